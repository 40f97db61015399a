import GridPassCore
import Hummingbird

/// `GET /me/TOKEN`: the person's own page behind an unguessable token.
struct PersonalPage: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/me/{token}", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let t = language.strings
        guard let token = context.parameters.get("token"), let person = try await services.people.person(meToken: token),
              let place = try await services.places.place(id: person.placeID)
        else {
            return try services.pages.page("message", ["title": t["not_found_title"]!, "body": t["not_found_body"]!, "kind": "error"],
                                           language: language, status: .notFound)
        }
        let path = try await services.places.path(of: place)
        return try services.pages.page("me", [
            "title": t["me_title"]!, "maskedName": NameMask.mask(person.name), "fullName": path.fullName,
            "room": person.room ?? "", "statusText": t["status_" + person.status.rawValue] ?? person.status.rawValue,
        ], language: language)
    }
}
