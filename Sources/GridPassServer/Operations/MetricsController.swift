import GridPassCrypto
import Hummingbird

/// `GET /metrics`: the Prometheus text format (0.0.4). The people gauges are counted from the
/// store at each scrape; everything else accumulates in the app's own registry.
/// With a token configured (`--metrics-token`) the scrape needs `Authorization: Bearer TOKEN`.
struct MetricsController: Sendable {
    let services: AppServices
    var token: String? = nil

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token {
            let given = BearerAuthMiddleware.token(request.headers) ?? []
            guard constantTimeEquals(given, Array(token.utf8)) else {
                throw APIError(.unauthorized, code: "unauthorized", message: "the metrics need the bearer token given to --metrics-token")
            }
        }
        services.metrics.setPeople(try await services.stats.peopleCounts())
        return Response(status: .ok, headers: [.contentType: Self.contentType, .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.exposition())))
    }
}
