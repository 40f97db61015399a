import Foundation
import GridPassCore
import Hummingbird
import QRImaging

/// Residents without a smartphone (CONTRACT §11), helped by their grid worker:
/// - a registration on their behalf: `POST /api/v1/registrations` with a staff token
///   (RegistrationController), or the form of `/staff/places/CODE/register`;
/// - their printed health card: `POST /api/v1/people/ID/card` → 201 `{"card", "card_url"}`
///   (`/staff/people/ID/card` from the staff pages); `GET /cards/SECRET` is the printable sheet;
/// - their daily report entered by staff: `POST /api/v1/people/ID/reports` (and the staff form).
/// Every step is audited with the staff user's name.
struct AssistedController: Sendable {
    let env: StaffEnvironment
    let intake: IntakeService

    var services: AppServices { env.services }
    var actions: PersonActions { PersonActions(services: env.services, codes: env.codes) }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/people/{id}/card", use: cardAPI)
        router.post("/api/v1/people/{id}/reports", use: reportAPI)
        router.get("/cards/{secret}", use: cardPage)
        env.post(router, "/staff/people/{id}/card", roles: [.admin, .staff], cardStaff)
        env.post(router, "/staff/people/{id}/report", roles: [.admin, .staff], reportStaff)
        env.get(router, "/staff/places/{code}/register", roles: [.admin, .staff], registerForm)
        env.post(router, "/staff/places/{code}/register", roles: [.admin, .staff], registerSubmit)
    }

    // MARK: - Cards

    /// Prints a new card for the person (older cards revoked), audited; its text and sheet URL.
    func issueCard(_ person: PersonRecord, by user: UserRecord, context: AppRequestContext, now: Int64) async throws -> (card: String, url: String) {
        let card = try HealthCard.make()
        try await services.health.issueCard(person.ref, cardHash: try HealthCard.hash(card), by: user.id, now: now)
        try await env.audit(.card, by: user, target: "person:" + person.id, detail: AuditDetail.make("card"), context: context, now: now)
        return (card, env.publicURL + "/cards/" + card.dropFirst(HealthCard.prefix.count))
    }

    /// The person of the path, for staff whose scope covers them (404 / 403 as JSON).
    func personForAPI(_ context: AppRequestContext, verb: String) async throws -> (UserRecord, PersonRecord, PlacePath) {
        let user = try context.requireUser()
        let id = context.parameters.get("id") ?? ""
        do {
            let (person, path) = try await actions.personInScope(id, of: user)
            return (user, person, path)
        } catch PersonActions.Refusal.notFound {
            throw APIError(.notFound, code: "not_found", message: "no person has the id '\(id)'")
        } catch PersonActions.Refusal.forbidden {
            throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers this person may \(verb)")
        }
    }

    @Sendable func cardAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, person, _) = try await personForAPI(context, verb: "print their card")
        let issued = try await issueCard(person, by: user, context: context, now: Int64(Date().timeIntervalSince1970))
        return Response.json(["card": issued.card, "card_url": issued.url], status: .created)
    }

    func cardStaff(_ r: StaffRequest) async throws -> Response {
        let (person, _) = try await env.personInScope(r.context.parameters.get("id") ?? "", r)
        let issued = try await issueCard(person, by: r.user, context: r.context, now: r.now)
        return Response(status: .seeOther, headers: [.location: "/cards/" + issued.card.dropFirst(HealthCard.prefix.count)])
    }

    /// `GET /cards/SECRET`: the printable card (A6, or A4 with cut marks), or 410 when replaced.
    @Sendable func cardPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let t = language.strings
        let text = HealthCard.prefix + (context.parameters.get("secret") ?? "").uppercased()
        let card = HealthCard.isCard(text) ? try await services.health.card(hash: try HealthCard.hash(text)) : nil
        guard let card, let person = try await services.people.person(id: card.person.hex),
              let path = try await services.places.path(placeID: person.placeID) else {
            return try services.pages.page("message", ["title": t["card_unknown_title"]!, "body": t["card_unknown_body"]!, "kind": "error"],
                                           language: language, status: .notFound)
        }
        guard card.revokedAt == nil else {
            return try services.pages.page("message", ["title": t["card_revoked_title"]!, "body": t["card_revoked_body"]!, "kind": "error"],
                                           language: language, status: .gone)
        }
        let matrix = try QRMatrix(text: text, errorCorrection: .quartile)
        return try services.pages.page("card", [
            "title": t["card_title"]!, "maskedName": NameMask.mask(person.name), "fullName": path.fullName, "room": person.room ?? "",
            "qr": SVGRenderer.qrElement(matrix, x: 0, y: 0, side: 100), "printed": language.date(Day(unixSeconds: card.createdAt)),
        ], language: language)
    }

    // MARK: - Reports entered by staff

    /// Stores the report for the person, recomputes them, audits; the new record.
    func enterReport(_ person: PersonRecord, _ declaration: HealthDeclaration, by user: UserRecord, context: AppRequestContext,
                     now: Int64) async throws -> HealthRecord? {
        try await services.health.addReport(person.ref, declaration, now: now, enteredBy: user.id)
        let record = try await env.codes.refresh(person.ref, now: now)
        try await env.audit(.report, by: user, target: "person:" + person.id, detail: AuditDetail.make("report"), context: context, now: now)
        return record
    }

    @Sendable func reportAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, person, _) = try await personForAPI(context, verb: "enter their reports")
        let fields = try await RegistrationController.jsonFields(request, context: context)
        switch HealthDeclaration.validate(fields, regions: services.regions, source: .json) {
        case .failure(let errors):
            throw APIError(fieldErrors: errors)
        case .success(let declaration):
            let record = try await enterReport(person, declaration, by: user, context: context, now: Int64(Date().timeIntervalSince1970))
            let english = Language(request) == .en
            return Response.json(["person_id": person.id, "entered_by": user.name,
                                  "color": (record?.color?.rawValue).map { $0 as Any } ?? NSNull(),
                                  "health_code": HealthCodeService.summary(record?.code) ?? NSNull(),
                                  "reasons": (record?.reasons ?? []).map { english ? $0.en : $0.zh }], status: .created)
        }
    }

    func reportStaff(_ r: StaffRequest) async throws -> Response {
        let (person, _) = try await env.personInScope(r.context.parameters.get("id") ?? "", r)
        let fields = FormBody.fields(r.formBody).filter { $0.key != CSRFToken.field }
        switch HealthDeclaration.validate(fields, regions: services.regions, source: .form) {
        case .failure(let errors):
            throw StaffFailure.invalid(errors.messages(in: r.language))
        case .success(let declaration):
            _ = try await enterReport(person, declaration, by: r.user, context: r.context, now: r.now)
            return Response(status: .seeOther, headers: [.location: "/staff/people/\(person.id)?reported=1"])
        }
    }

    // MARK: - Registration on someone's behalf (the staff form)

    func door(_ r: StaffRequest) async throws -> (PlacePath, PersonKind) {
        let door = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        guard let kind = IntakeService.personKind(at: door) else { throw StaffFailure.invalid(r.s["assist_not_door"]) }
        return (door, kind)
    }

    func registerForm(_ r: StaffRequest) async throws -> Response {
        let (door, kind) = try await door(r)
        return try RegistrationForm.render(door, kind: kind, action: r.request.uri.path, language: r.language, pages: services.pages,
                                           assisted: ["csrf": r.session.csrf, "staff": r.user.name])
    }

    func registerSubmit(_ r: StaffRequest) async throws -> Response {
        let (door, kind) = try await door(r)
        let fields = FormBody.fields(r.formBody).filter { $0.key != CSRFToken.field }
        switch try await intake.register(at: door, fields: fields, source: .form, assistedBy: r.user, address: r.context.clientAddress) {
        case .registered(let person, _, _):
            return Response(status: .seeOther, headers: [.location: "/staff/people/\(person.id)?registered=1"])
        case .invalid(let errors, _):
            return try RegistrationForm.render(door, kind: kind, action: r.request.uri.path, submitted: fields, errors: errors,
                                               language: r.language, pages: services.pages,
                                               assisted: ["csrf": r.session.csrf, "staff": r.user.name])
        case .forbidden, .noForm:
            throw StaffFailure.forbidden
        }
    }
}
