import Hummingbird

/// `GET /api/v1/regions?q=…`: region search for the forms' "visited" field.
struct RegionController: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/regions", use: search)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters.get("q") ?? ""
        let hits = query.isEmpty ? [] : services.regions.search(String(query.prefix(40)), limit: 12)
        return Response.json(["regions": hits.map { ["code": $0.code, "name": $0.name, "full_name": $0.fullName] }])
    }
}
