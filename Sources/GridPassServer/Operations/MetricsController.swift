import Hummingbird

/// `GET /metrics`: the Prometheus text format (0.0.4). The people gauges are counted from the
/// store at each scrape; everything else accumulates in the app's own registry.
struct MetricsController: Sendable {
    let services: AppServices

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        services.metrics.setPeople(try await services.stats.peopleCounts())
        return Response(status: .ok, headers: [.contentType: Self.contentType, .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.exposition())))
    }
}
