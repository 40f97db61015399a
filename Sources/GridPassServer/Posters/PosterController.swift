import GridPassCore
import Hummingbird

/// `GET /r/TOKEN` (and the upper-cased `/R/TOKEN` that poster QR codes carry).
struct PosterController: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/r/{token}", use: scan)
        router.get("/R/{token}", use: scan)
    }

    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let token = context.parameters.get("token") ?? ""
        switch try await PosterLookup.resolve(token, services: services) {
        case .unknown:
            return try services.pages.page("message", [
                "title": language.strings["not_found_title"]!, "body": language.strings["not_found_body"]!, "kind": "error",
            ], language: language, status: .notFound)
        case .replaced:
            return try services.pages.page("message", [
                "title": language.strings["gone_title"]!, "body": language.strings["gone_body"]!, "kind": "notice",
            ], language: language, status: .gone)
        case .door(let path):
            return try services.pages.page("place", [
                "title": path.fullName, "fullName": path.fullName, "code": path.place.code,
                "kindName": language == .en ? path.place.kind.rawValue : path.place.kind.chineseName,
                "isCheckpoint": path.place.kind == .checkpoint,
            ], language: language)
        }
    }
}
