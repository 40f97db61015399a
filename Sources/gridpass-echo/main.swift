import Hummingbird

/// A minimal Hummingbird server used as the baseline of the HTTP benchmarks (scripts/bench-http,
/// scripts/bench-verify): `POST /echo` answers the request body, `GET /echo` answers "ok".
/// Usage: gridpass-echo [PORT [WORK_MICROSECONDS]]
/// WORK_MICROSECONDS (default 0) makes every POST busy-wait that long on its thread first: a
/// calibration, not a baseline — the latency a server as lean as this one but with that much work
/// per request would show (scripts/bench-verify CALIBRATE=…).
let arguments = CommandLine.arguments.dropFirst()
let port = arguments.first.flatMap(Int.init) ?? 8090
let work = Duration.microseconds(arguments.dropFirst().first.flatMap(Int.init) ?? 0)
let router = Router()
router.get("/echo") { _, _ in "ok" }
router.post("/echo") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 64 * 1024)
    if work > .zero {
        let clock = ContinuousClock()
        let end = clock.now + work
        while clock.now < end {}
    }
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "echo"))
try await app.runService()
