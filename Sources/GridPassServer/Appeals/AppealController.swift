import Foundation
import GridPassCore
import Hummingbird

/// Appeals (CONTRACT §11):
/// - the person, behind their page's secret: `POST /me/TOKEN/appeals` `{"reason"}` (JSON, or the
///   page's form) → 201 `{"id", "status": "open"}`, 409 while one is open; `GET /me/TOKEN/appeals`;
/// - staff whose scope covers the person: `GET /api/v1/appeals?place=CODE`, `GET /api/v1/appeals/ID`
///   (with the person's declarations), `POST /api/v1/appeals/ID/uphold` `{"reason", "strike",
///   "unvisit"}`, `POST /api/v1/appeals/ID/dismiss` `{"reason"}`;
/// - the staff pages `/staff/appeals` (the queue of the user's scope) and `/staff/appeals/ID`.
struct AppealController: Sendable {
    let env: StaffEnvironment

    var services: AppServices { env.services }
    var appeals: AppealService { AppealService(services: env.services, codes: env.codes) }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/me/{token}/appeals", use: openAppeal)
        router.get("/me/{token}/appeals", use: ownAppeals)
        router.get("/api/v1/appeals", use: list)
        router.get("/api/v1/appeals/{id}", use: show)
        router.post("/api/v1/appeals/{id}/uphold", use: uphold)
        router.post("/api/v1/appeals/{id}/dismiss", use: dismiss)
        env.get(router, "/staff/appeals", roles: [.admin, .staff], queuePage)
        env.get(router, "/staff/appeals/{id}", roles: [.admin, .staff], appealPage)
        env.post(router, "/staff/appeals/{id}/decide", roles: [.admin, .staff], decidePage)
    }

    // MARK: - The person

    func person(_ context: AppRequestContext) async throws -> PersonRecord { try await services.person(ofPage: context) }

    @Sendable func openAppeal(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        let fields: [String: FieldValue]
        if isForm {
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: RegistrationController.maxBody) } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", message: "the request body is larger than 64 KiB")
            }
            fields = FormBody.fields(String(buffer: body))
        } else {
            fields = try await RegistrationController.jsonFields(request, context: context)
        }
        var errors: [FieldError] = []
        let reason: String
        switch AppealText.read(fields["reason"], field: "reason") {
        case .success(let text): reason = text
        case .failure(let error): errors.append(error); reason = ""
        }
        if let extra = fields.keys.sorted().first(where: { $0 != "reason" }) {
            errors.append(FieldError(field: extra, code: .unknownField, message: "\(extra) is not a field of an appeal.", messageZH: "\(extra) 不是申诉的字段。"))
        }
        if !errors.isEmpty {
            if isForm { return try await pageWithAppealError(person, request: request, message: FieldErrors(errors).messages(in: Language(request))) }
            throw APIError(fieldErrors: FieldErrors(errors))
        }
        do {
            let appeal = try await appeals.open(person, reason: reason, address: context.clientAddress)
            if isForm { return Response(status: .seeOther, headers: [.location: "/me/\(person.meToken)#appeals"]) }
            return Response.json(["id": appeal.id, "status": appeal.status.rawValue], status: .created)
        } catch AppealError.alreadyOpen {
            if isForm { return try await pageWithAppealError(person, request: request, message: Language(request).strings["appeal_already_open"]!, status: .conflict) }
            throw APIError(.conflict, code: "appeal_open", message: "an appeal of this person is still open; wait for its decision")
        }
    }

    func pageWithAppealError(_ person: PersonRecord, request: Request, message: String, status: HTTPResponse.Status = .unprocessableContent) async throws -> Response {
        var response = try await PersonalPage(services: services, codes: env.codes).page(person, request: request, appealError: message)
        response.status = status
        return response
    }

    @Sendable func ownAppeals(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        return Response.json(["appeals": try await services.health.appeals(of: person.ref).map(AppealService.own)])
    }

    // MARK: - Staff, JSON

    func refusal(_ error: AppealService.Refusal, id: String = "") -> APIError {
        switch error {
        case .notFound: APIError(.notFound, code: "not_found", message: id.isEmpty ? "no such place" : "no appeal has the id '\(id)'")
        case .forbidden: APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers the person may see or decide their appeals")
        case .placeRequired: APIError(fieldErrors: FieldErrors([FieldError(field: "place", code: .required,
            message: "place (in the query: ?place=CODE) is required.", messageZH: "请在地址中给出地点代码（?place=代码）。")]))
        }
    }

    func listingJSON(_ l: AppealListing) async throws -> [String: Any] {
        let place = try await services.placeCache.place(id: l.placeID)
        return ["id": l.appeal.id, "person_id": l.appeal.person.hex, "name": NameMask.mask(l.name), "place": place?.fullName ?? "",
                "reason": l.appeal.reason, "status": l.appeal.status.rawValue, "created_at": isoTime(l.appeal.createdAt),
                "decision_reason": l.appeal.decisionReason.map { $0 as Any } ?? NSNull()]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        do {
            let found = try await appeals.list(for: user, place: request.uri.queryParameters.get("place").map { String($0) })
            var out: [[String: Any]] = []
            for listing in found { out.append(try await listingJSON(listing)) }
            return Response.json(["appeals": out])
        } catch let error as AppealService.Refusal {
            throw refusal(error)
        }
    }

    func appealID(_ context: AppRequestContext) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError(.notFound, code: "not_found", message: "no appeal has the id '\(text)'") }
        return id
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try appealID(context)
        do {
            let (appeal, person, path, declarations) = try await appeals.detail(id, for: user)
            var body = try await listingJSON(AppealListing(appeal: appeal, placeID: path.place.id, name: person.name))
            body["declarations"] = declarations.map { d in
                ["id": d.id, "at": isoTime(d.at), "temperature": d.temperature, "symptoms": d.symptoms, "visited": d.visited,
                 "contact": d.contact, "struck": d.struckAt != nil] as [String: Any]
            }
            return Response.json(body)
        } catch let error as AppealService.Refusal {
            throw refusal(error, id: String(id))
        }
    }

    @Sendable func uphold(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decide(request, context: context, upheld: true)
    }

    @Sendable func dismiss(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decide(request, context: context, upheld: false)
    }

    func decide(_ request: Request, context: AppRequestContext, upheld: Bool) async throws -> Response {
        let user = try context.requireUser()
        let id = try appealID(context)
        do {
            _ = try await appeals.detail(id, for: user)  // permission before the body is read
        } catch let error as AppealService.Refusal {
            throw refusal(error, id: String(id))
        }
        let fields = try await RegistrationController.jsonFields(request, context: context)
        var errors: [FieldError] = []
        var reason = ""
        switch AppealText.read(fields["reason"], field: "reason") {
        case .success(let text): reason = text
        case .failure(let error): errors.append(error)
        }
        var correction = AppealCorrection.none
        let allowed: Set<String> = upheld ? ["reason", "strike", "unvisit"] : ["reason"]
        if let extra = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            errors.append(FieldError(field: extra, code: .unknownField, message: "\(extra) is not a field here.", messageZH: "\(extra) 不是此处的字段。"))
        }
        if upheld {
            switch appeals.correction(fields) {
            case .success(let c): correction = c
            case .failure(let e): errors += e.errors
            }
        }
        guard errors.isEmpty else { throw APIError(fieldErrors: FieldErrors(errors)) }
        do {
            let (appeal, record) = try await appeals.decide(id, upheld: upheld, reason: reason, correction: correction, by: user,
                                                            address: context.clientAddress)
            let english = Language(request) == .en
            let color: Any = record?.color?.rawValue ?? NSNull()
            let code: Any = HealthCodeService.summary(record?.code) ?? NSNull()
            return Response.json(["id": appeal.id, "status": appeal.status.rawValue, "decision_reason": reason, "color": color,
                                  "health_code": code, "reasons": (record?.reasons ?? []).map { english ? $0.en : $0.zh }] as [String: Any])
        } catch AppealError.notOpen {
            throw APIError(.conflict, code: "appeal_decided", message: "this appeal was already decided")
        } catch AppealError.foreignDeclarations(let ids) {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "strike", code: .notInList,
                message: "declarations \(ids.map(String.init).joined(separator: ", ")) are not this person's.",
                messageZH: "申报记录 \(ids.map(String.init).joined(separator: "、")) 不属于此人。")]))
        } catch let error as AppealService.Refusal {
            throw refusal(error, id: String(id))
        }
    }

    // MARK: - Staff pages

    func queuePage(_ r: StaffRequest) async throws -> Response {
        let s = r.s
        var code = r.query("place")
        if code == nil, r.user.role != .admin, let scope = r.user.scopePlaceID {
            code = try await services.places.place(id: scope)?.code
        }
        let found: [AppealListing]
        do {
            found = try await appeals.list(for: r.user, place: code, openOnly: r.query("all") == nil)
        } catch AppealService.Refusal.notFound {
            throw StaffFailure.notFound
        } catch is AppealService.Refusal {
            throw StaffFailure.forbidden
        }
        var rows: [[String: Any]] = []
        for l in found {
            rows.append(["href": "/staff/appeals/\(l.appeal.id)", "name": NameMask.mask(l.name),
                         "place": try await services.placeCache.place(id: l.placeID)?.fullName ?? "", "reason": l.appeal.reason,
                         "status": s["appeal_" + l.appeal.status.rawValue], "at": s.time(l.appeal.createdAt)])
        }
        return try env.page("staff-appeals", ["title": s["appeals_title"], "rows": rows, "hasRows": !rows.isEmpty,
                                              "showAll": r.query("all") == nil], r)
    }

    func appealPage(_ r: StaffRequest) async throws -> Response {
        guard let id = Int64(r.context.parameters.get("id") ?? "") else { throw StaffFailure.notFound }
        let (appeal, person, path, declarations): (AppealRecord, PersonRecord, PlacePath, [StoredDeclaration])
        do { (appeal, person, path, declarations) = try await appeals.detail(id, for: r.user) } catch let error as AppealService.Refusal {
            throw error == .notFound ? StaffFailure.notFound : StaffFailure.forbidden
        }
        let s = r.s
        let strings = r.language.strings
        let today = Day(unixSeconds: r.now)
        let regions = Set(declarations.filter { $0.struckAt == nil }.flatMap(\.visited)).sorted()
        let record = try await services.health.healthRecord(person.ref)
        return try env.page("staff-appeal", [
            "title": s["appeals_title"], "maskedName": NameMask.mask(person.name), "fullName": path.fullName, "room": person.room ?? "",
            "personHref": "/staff/people/\(person.id)", "reason": appeal.reason, "status": s["appeal_" + appeal.status.rawValue],
            "open": appeal.status == .open, "decision": appeal.decisionReason ?? "", "decidedBy": appeal.decidedByName ?? "",
            "color": record?.color?.rawValue ?? "none", "colorName": s.color(record?.color),
            "reasons": (record?.reasons ?? []).map { r.language == .en ? $0.en : $0.zh },
            "action": "/staff/appeals/\(id)/decide",
            "declarations": declarations.reversed().map { d in
                ["id": d.id, "day": s.day(Day(unixSeconds: d.at), today: today), "temperature": String(format: "%.1f", d.temperature),
                 "symptoms": d.symptoms.map { strings[$0] ?? $0 }.joined(separator: "、"),
                 "visited": d.visited.map { services.regions.fullName($0) ?? $0 }.joined(separator: "、"),
                 "contact": strings["contact_" + d.contact] ?? d.contact, "struck": d.struckAt != nil, "byStaff": d.enteredBy != nil] as [String: Any]
            },
            "regions": regions.map { ["code": $0, "name": services.regions.fullName($0) ?? $0] },
            "hasRegions": !regions.isEmpty,
        ], r)
    }

    func decidePage(_ r: StaffRequest) async throws -> Response {
        guard let id = Int64(r.context.parameters.get("id") ?? "") else { throw StaffFailure.notFound }
        let fields = FormBody.fields(r.formBody)
        let upheld = r.form["decision"] == "uphold"
        guard upheld || r.form["decision"] == "dismiss" else { throw StaffFailure.invalid(r.s["appeal_choose"]) }
        let reason: String
        switch AppealText.read(fields["reason"], field: "reason") {
        case .success(let text): reason = text
        case .failure(let error): throw StaffFailure.invalid(error.message(in: r.language))
        }
        // Check boxes: one `strike` / `unvisit` per ticked box (a single one arrives as a string).
        func list(_ name: String) -> FieldValue? {
            switch fields[name] { case .string(let s)?: .array([.string(s)]); case let other: other }
        }
        var correction = AppealCorrection.none
        switch appeals.correction(["strike": list("strike") ?? .null, "unvisit": list("unvisit") ?? .null]) {
        case .success(let c): correction = c
        case .failure(let e): throw StaffFailure.invalid(e.messages(in: r.language))
        }
        do {
            _ = try await appeals.decide(id, upheld: upheld, reason: reason, correction: correction, by: r.user, address: r.context.clientAddress, now: r.now)
        } catch AppealError.notOpen {
            throw StaffFailure.invalid(r.s["appeal_already_decided"])
        } catch AppealError.foreignDeclarations {
            throw StaffFailure.invalid(r.s["appeal_foreign"])
        } catch let error as AppealService.Refusal {
            throw error == .notFound ? StaffFailure.notFound : StaffFailure.forbidden
        }
        return Response(status: .seeOther, headers: [.location: "/staff/appeals/\(id)"])
    }
}
