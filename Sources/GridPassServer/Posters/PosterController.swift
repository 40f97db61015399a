import GridPassCore
import Hummingbird

/// `GET /r/TOKEN` (and the upper-cased `/R/TOKEN` that poster QR codes carry): the door's form,
/// or a checkpoint's page; `POST /r/TOKEN`: the form's submission.
struct PosterController: Sendable {
    let services: AppServices
    let intake: IntakeService

    func addRoutes(to router: Router<AppRequestContext>) {
        for prefix in ["/r", "/R"] {
            router.get("\(prefix)/{token}", use: scan)
            router.post("\(prefix)/{token}", use: submit)
        }
    }

    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let token = context.parameters.get("token") ?? ""
        let lookup = try await PosterLookup.resolve(token, services: services)
        guard case .door(let door) = lookup else { return try problemPage(lookup, language: language) }
        if let kind = IntakeService.personKind(at: door) {
            return try RegistrationForm.render(door, kind: kind, action: request.uri.path, language: language, pages: services.pages)
        }
        return try await checkpointPage(door, language: language)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let token = context.parameters.get("token") ?? ""
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: RegistrationController.maxBody)
        } catch {
            return try services.pages.page("message", ["title": "413", "body": "表单内容过大 / The form is too large.", "kind": "error"],
                                           language: language, status: .contentTooLarge)
        }
        let fields = FormBody.fields(String(buffer: body))
        switch try await intake.register(token: token, fields: fields, source: .form) {
        case .registered(let person, _, _):
            return Response(status: .seeOther, headers: [.location: intake.meURL(person)])
        case .invalid(let errors, let door):
            let kind = IntakeService.personKind(at: door) ?? .resident
            return try RegistrationForm.render(door, kind: kind, action: request.uri.path, submitted: fields, errors: errors,
                                               language: language, pages: services.pages)
        case .noForm(let lookup):
            if case .door(let door) = lookup { return try await checkpointPage(door, language: language) }
            return try problemPage(lookup, language: language)
        case .forbidden:  // only a staff registration on someone's behalf is refused so; the form is nobody's
            return try problemPage(.unknown, language: language)
        }
    }

    func problemPage(_ lookup: PosterLookup, language: Language) throws -> Response {
        let t = language.strings
        if case .replaced = lookup {
            return try services.pages.page("message", ["title": t["gone_title"]!, "body": t["gone_body"]!, "kind": "notice"],
                                           language: language, status: .gone)
        }
        return try services.pages.page("message", ["title": t["not_found_title"]!, "body": t["not_found_body"]!, "kind": "error"],
                                       language: language, status: .notFound)
    }

    /// A checkpoint: how to register there (its enterprise's form, or the units of its community) and the guard's page.
    func checkpointPage(_ door: PlacePath, language: Language) async throws -> Response {
        let posters = PosterService(services: services)
        var values: [String: Any] = [
            "title": door.fullName, "fullName": door.fullName, "code": door.place.code,
            "kindName": language == .en ? door.place.kind.rawValue : door.place.kind.chineseName,
        ]
        if let parentID = door.place.parentID, let parent = try await services.places.place(id: parentID) {
            if parent.kind == .enterprise {
                let (_, list) = try await posters.posters(for: parent.code, publicURL: "")
                values["hasEnterprise"] = true
                values["enterpriseName"] = parent.name
                values["enterpriseURL"] = list.first?.url ?? ""
            } else {
                let community = door.nearest(.community) ?? parent
                let (_, list) = try await posters.posters(for: community.code, publicURL: "")
                let homes = list.filter { $0.path.place.kind == .unit || $0.path.place.kind == .building }
                var buildings: [(name: String, units: [[String: String]])] = []
                for home in homes {
                    let building = home.path.place.kind == .building ? home.path.place.name : (home.path.ancestors.last?.name ?? "")
                    let unit = ["name": home.path.place.kind == .building ? building : home.path.place.name, "url": home.url]
                    if buildings.last?.name == building { buildings[buildings.count - 1].units.append(unit) } else { buildings.append((building, [unit])) }
                }
                values["hasUnits"] = !buildings.isEmpty
                values["buildings"] = buildings.map { ["name": $0.name, "units": $0.units] as [String: Any] }
            }
        }
        return try services.pages.page("checkpoint-poster", values, language: language)
    }
}
