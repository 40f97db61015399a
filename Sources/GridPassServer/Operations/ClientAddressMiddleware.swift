import Hummingbird

/// Behind a reverse proxy every connection comes from the proxy: with `--trusted-proxy ADDR`,
/// a request whose connection comes from such an address is counted (sign-in throttles, audit)
/// for the client the proxy names in `X-Forwarded-For` — the rightmost address there that is not
/// itself a trusted proxy. From any other peer the header is ignored (anyone can write it).
struct ClientAddressMiddleware: RouterMiddleware {
    let trusted: Set<String>

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let peer = context.peerAddress, trusted.contains(peer), let header = request.headers[.init("X-Forwarded-For")!] {
            let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let client = hops.reversed().first(where: { !trusted.contains($0) }), client.count <= 64 {
                context.forwardedFor = client
            }
        }
        return try await next(request, context)
    }
}
