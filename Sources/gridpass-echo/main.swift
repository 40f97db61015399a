import Hummingbird

/// A minimal Hummingbird server used as the baseline of the HTTP benchmarks (scripts/bench-http):
/// `POST /echo` answers the request body, `GET /echo` answers "ok".
/// Usage: gridpass-echo [PORT]
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
let router = Router()
router.get("/echo") { _, _ in "ok" }
router.post("/echo") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 64 * 1024)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "echo"))
try await app.runService()
