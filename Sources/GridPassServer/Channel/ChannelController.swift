import Foundation
import GridPassCore
import Hummingbird

/// The grid's channel over HTTP (CONTRACT §10): notices, problem reports, visitors, for the person
/// (behind their page's secret), for someone at a poster without registering, for staff in scope
/// (401 / 403 as everywhere), and for the guard looking a visitor up at the gate.
struct ChannelController: Sendable {
    let env: StaffEnvironment

    var services: AppServices { env.services }
    var channel: ChannelService { ChannelService(services: env.services) }

    /// Photos up to 5 MiB (413 above), with room for the other fields of the form.
    static let maxPhoto = 5 * 1024 * 1024
    static let maxMultipart = maxPhoto + 64 * 1024

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/notices", use: postNotice)
        router.get("/api/v1/notices/{id}", use: showNotice)
        router.get("/api/v1/notices/{id}/unread", use: unreadNotice)
        router.get("/me/{token}/notices", use: ownNotices)
        router.post("/me/{token}/notices/{id}/read", use: readNotice)
        router.get("/me/{token}/notices/{id}", use: noticePage)
        router.post("/me/{token}/problems", use: personProblem)
        router.get("/me/{token}/problems", use: ownProblems)
        router.post("/r/{token}/problems", use: posterProblem)
        router.post("/R/{token}/problems", use: posterProblem)
        router.get("/api/v1/problems", use: listProblems)
        router.post("/api/v1/problems/{id}/answer", use: answerProblem)
        router.post("/api/v1/problems/{id}/close", use: closeProblem)
        router.get("/api/v1/problems/{id}/photo", use: problemPhoto)
        router.post("/me/{token}/visitors", use: announceVisitor)
        router.get("/me/{token}/visitors", use: ownVisitors)
        router.get("/api/v1/visitors", use: listVisitors)
    }

    // MARK: - Helpers

    func refusal(_ error: ChannelService.Refusal, _ what: String) -> APIError {
        switch error {
        case .notFound: APIError(.notFound, code: "not_found", message: "no \(what) has this id or code")
        case .forbidden: APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers this \(what) may do this")
        }
    }

    func person(_ context: AppRequestContext) async throws -> PersonRecord { try await services.person(ofPage: context) }

    func id(_ context: AppRequestContext, _ what: String) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError(.notFound, code: "not_found", message: "no \(what) has the id '\(text)'") }
        return id
    }

    func audit(_ action: AuditEntry.Action, _ user: UserRecord, target: String, detail: String, _ context: AppRequestContext) async throws {
        try await env.audit(action, by: user, target: target, detail: detail, context: context, now: Int64(Date().timeIntervalSince1970))
    }

    static func unknownFields(_ fields: [String: FieldValue], allowed: Set<String>) -> [FieldError] {
        fields.keys.sorted().filter { !allowed.contains($0) }.map {
            FieldError(field: $0, code: .unknownField, message: "\($0) is not a field here.", messageZH: "\($0) 不是此处的字段。")
        }
    }

    // MARK: - Notices

    static func noticeJSON(_ n: NoticeRecord, place: String) -> [String: Any] {
        ["id": n.id, "place": place, "title": n.title, "text": n.text, "urgent": n.urgent, "created_at": isoTime(n.createdAt),
         "expires_at": n.expiresAt.map { isoTime($0) as Any } ?? NSNull()]
    }

    /// Validates a notice's fields; the place is checked against the user's scope.
    func noticeInput(_ fields: [String: FieldValue], user: UserRecord, now: Int64) async throws -> (PlacePath, String, String, Bool, Int64?) {
        var errors = Self.unknownFields(fields, allowed: ["place", "title", "text", "urgent", "expires_at"])
        var path: PlacePath?
        if case .string(let code)? = fields["place"] {
            do { path = try await channel.placeInScope(code, of: user) } catch ChannelService.Refusal.notFound {
                errors.append(FieldError(field: "place", code: .unknownValue, message: "no place has the code '\(code)'.", messageZH: "没有代码为“\(code)”的地点。"))
            } catch ChannelService.Refusal.forbidden {
                throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers \(code) may post notices there")
            }
        } else {
            errors.append(FieldError(field: "place", code: fields["place"] == nil ? .required : .invalidType,
                                     message: "place must be the code of a street, community, grid or building.", messageZH: "请填写地点代码。"))
        }
        var title = "", text = ""
        switch ChannelText.read(fields["title"], field: "title", max: 100, multiline: false, zh: "标题") {
        case .success(let v): title = v
        case .failure(let e): errors.append(e)
        }
        switch ChannelText.read(fields["text"], field: "text", max: 2000, multiline: true, zh: "正文") {
        case .success(let v): text = v
        case .failure(let e): errors.append(e)
        }
        var urgent = false
        switch fields["urgent"] {
        case nil, .null?: break
        case .bool(let b)?: urgent = b
        case .string(let s)? where ["true", "on", "1", "false", "0", ""].contains(s): urgent = ["true", "on", "1"].contains(s)
        default: errors.append(FieldError(field: "urgent", code: .invalidType, message: "urgent must be true or false.", messageZH: "urgent 应为 true 或 false。"))
        }
        var expires: Int64?
        switch fields["expires_at"] {
        case nil, .null?, .string("")?: break
        case .string(let s)?:
            if let date = try? Date(s, strategy: .iso8601) { expires = Int64(date.timeIntervalSince1970) }
            else if let day = Day(iso: s) { expires = day.advanced(by: 1).startUnixSeconds }
            if let e = expires, e <= now {
                errors.append(FieldError(field: "expires_at", code: .range, message: "expires_at is in the past.", messageZH: "截止时间已过。"))
            } else if expires == nil {
                errors.append(FieldError(field: "expires_at", code: .format, message: "expires_at must be RFC 3339 (2026-12-31T18:00:00+08:00).",
                                         messageZH: "截止时间格式应为 RFC 3339。"))
            }
        default:
            errors.append(FieldError(field: "expires_at", code: .invalidType, message: "expires_at must be RFC 3339 text.", messageZH: "截止时间应为文字。"))
        }
        guard errors.isEmpty, let path else { throw APIError(fieldErrors: FieldErrors(errors)) }
        return (path, title, text, urgent, expires)
    }

    @Sendable func postNotice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.role == .admin || user.role == .staff else { throw APIError(.forbidden, code: "forbidden", message: "only staff post notices") }
        let now = Int64(Date().timeIntervalSince1970)
        let fields = try await RegistrationController.jsonFields(request, context: context)
        let (path, title, text, urgent, expires) = try await noticeInput(fields, user: user, now: now)
        let notice = try await services.channel.addNotice(placeID: path.place.id, title: title, text: text, urgent: urgent, expiresAt: expires,
                                                          by: user.id, name: user.name, now: now)
        try await audit(.notice, user, target: "place:" + path.place.code, detail: AuditDetail.make("notice", ["id": notice.id, "title": title]), context)
        return Response.json(Self.noticeJSON(notice, place: path.place.code), status: .created)
    }

    @Sendable func showNotice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        do {
            let (notice, path) = try await channel.noticeInScope(try id(context, "notice"), of: user)
            var body = Self.noticeJSON(notice, place: path.place.code)
            let (reached, read) = try await channel.reach(notice, path)
            body["reached"] = reached
            body["read"] = read
            return Response.json(body)
        } catch let error as ChannelService.Refusal { throw refusal(error, "notice") }
    }

    @Sendable func unreadNotice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        do {
            let (notice, path) = try await channel.noticeInScope(try id(context, "notice"), of: user)
            let people = try await services.channel.noticeUnread(notice.id, placeIDs: try await channel.subtree(path.place))
            var rows: [[String: Any]] = []
            for p in people {
                let door = try await services.placeCache.place(id: p.placeID)?.fullName ?? ""
                rows.append(["name": NameMask.mask(p.name), "door": door, "room": p.room.map { $0 as Any } ?? NSNull(), "person_id": p.id])
            }
            try await audit(.noticeUnread, user, target: "place:" + path.place.code, detail: AuditDetail.make("notice_unread", ["id": notice.id, "count": rows.count]), context)
            return Response.json(["unread": rows])
        } catch let error as ChannelService.Refusal { throw refusal(error, "notice") }
    }

    static func personNoticeJSON(_ n: PersonNotice) -> [String: Any] {
        ["id": n.notice.id, "title": n.notice.title, "text": n.notice.text, "urgent": n.notice.urgent,
         "created_at": isoTime(n.notice.createdAt), "read": n.read]
    }

    @Sendable func ownNotices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        return Response.json(["notices": try await channel.notices(for: person, now: Int64(Date().timeIntervalSince1970)).map(Self.personNoticeJSON)])
    }

    /// The person's notice of that id (one that reaches them), or 404.
    func ownNotice(_ person: PersonRecord, _ id: Int64) async throws -> PersonNotice {
        guard let notice = try await channel.notices(for: person, now: Int64(Date().timeIntervalSince1970)).first(where: { $0.notice.id == id }) else {
            throw APIError(.notFound, code: "not_found", message: "no notice of this page has the id \(id)")
        }
        return notice
    }

    @Sendable func readNotice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let notice = try await ownNotice(person, try id(context, "notice"))
        try await services.channel.markNoticeRead(notice.notice.id, by: person.ref, now: Int64(Date().timeIntervalSince1970))
        return Response(status: .noContent)
    }

    /// Opening a notice on the personal page marks it read.
    @Sendable func noticePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let person = try await person(context)
        let notice = try await ownNotice(person, try id(context, "notice"))
        try await services.channel.markNoticeRead(notice.notice.id, by: person.ref, now: Int64(Date().timeIntervalSince1970))
        return try services.pages.page("notice", [
            "title": notice.notice.title, "text": notice.notice.text, "urgent": notice.notice.urgent,
            "at": language.time(notice.notice.createdAt), "by": notice.notice.createdByName, "back": "/me/\(person.meToken)",
        ], language: language)
    }

    // MARK: - Problem reports

    /// The fields of a report: JSON, or multipart/form-data with an optional `photo` part.
    func problemBody(_ request: Request, context: AppRequestContext) async throws -> (fields: [String: FieldValue], photo: [UInt8]?, form: Bool) {
        let type = request.headers[.contentType]
        if let boundary = Multipart.boundary(contentType: type) {
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.maxMultipart) } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", message: "the photo is larger than 5 MiB")
            }
            guard let parts = Multipart.parse(Array(buffer: body), boundary: boundary) else {
                throw APIError(.badRequest, code: "malformed_multipart", message: "the body is not well-formed multipart/form-data")
            }
            var fields: [String: FieldValue] = [:]
            var photo: [UInt8]?
            for part in parts {
                if part.name == "photo" {
                    if part.body.count > Self.maxPhoto { throw APIError(.contentTooLarge, code: "body_too_large", message: "the photo is larger than 5 MiB") }
                    photo = part.body
                } else if fields[part.name] == nil {
                    fields[part.name] = .string(String(decoding: part.body, as: UTF8.self))
                }
            }
            return (fields, photo, Self.wantsPage(request))
        }
        if type?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.body.collect(upTo: RegistrationController.maxBody)
            return (FormBody.fields(String(buffer: body)), nil, true)
        }
        return (try await RegistrationController.jsonFields(request, context: context), nil, false)
    }

    /// A browser's form submission (it asks for HTML): answered with a page or a redirect; an API
    /// client (multipart with a photo, no HTML in Accept) gets the JSON of the contract.
    static func wantsPage(_ request: Request) -> Bool { request.headers[.accept]?.contains("text/html") == true }

    @Sendable func personProblem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let (fields, photo, form) = try await problemBody(request, context: context)
        var errors = Self.unknownFields(fields, allowed: ["category", "text", "photo"])
        guard let door = try await services.places.path(placeID: person.placeID) else { throw APIError(.notFound, code: "not_found", message: "no door") }
        switch ChannelService.problemFields(fields, photo: photo) {
        case .failure(let e): errors = e.errors + errors
        case .success(let (category, text, stored)) where errors.isEmpty:
            let problem = try await channel.fileProblem(at: door, person: person.ref, phone: nil, category: category, text: text, photo: stored,
                                                        now: Int64(Date().timeIntervalSince1970))
            if form { return Response(status: .seeOther, headers: [.location: "/me/\(person.meToken)#problems"]) }
            return Response.json(["id": problem.id, "status": problem.status.rawValue], status: .created)
        default: break
        }
        throw APIError(fieldErrors: FieldErrors(errors))
    }

    @Sendable func posterProblem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard case .door(let door) = try await PosterLookup.resolve(token, services: services), IntakeService.personKind(at: door) != nil else {
            throw APIError(.notFound, code: "not_found", message: "this poster is unknown, replaced, or not a door's")
        }
        let (fields, photo, form) = try await problemBody(request, context: context)
        var errors: [FieldError] = []
        var phone = ""
        if case .string(let text)? = fields["phone"] {
            switch PhoneNumber.parse(text) {
            case .success(let p): phone = p
            case .failure(let e): errors.append(e)
            }
        } else {
            errors.append(FieldError(field: "phone", code: .required, message: "phone is required: the grid worker answers you there.",
                                     messageZH: "请留下手机号，网格员会联系您。"))
        }
        errors += Self.unknownFields(fields, allowed: ["category", "text", "photo", "phone"])
        switch ChannelService.problemFields(fields, photo: photo) {
        case .failure(let e): errors = e.errors + errors
        case .success(let (category, text, stored)) where errors.isEmpty:
            let problem = try await channel.fileProblem(at: door, person: nil, phone: phone, category: category, text: text, photo: stored,
                                                        now: Int64(Date().timeIntervalSince1970))
            if form {
                return try services.pages.page("message", ["title": Language(request).strings["problem_sent_title"]!,
                                                           "body": Language(request).strings["problem_sent_body"]!, "kind": "notice"],
                                               language: Language(request), status: .created)
            }
            return Response.json(["id": problem.id, "status": problem.status.rawValue], status: .created)
        default: break
        }
        throw APIError(fieldErrors: FieldErrors(errors))
    }

    static func problemJSON(_ p: ProblemRecord) -> [String: Any] {
        ["id": p.id, "category": p.category.rawValue, "text": p.text, "status": p.status.rawValue,
         "answer": p.answer.map { $0 as Any } ?? NSNull(), "created_at": isoTime(p.createdAt)]
    }

    @Sendable func ownProblems(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        return Response.json(["problems": try await services.channel.problems(of: person.ref).map(Self.problemJSON)])
    }

    @Sendable func listProblems(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let code = request.uri.queryParameters.get("place").map { String($0) } ?? ""
        guard !code.isEmpty else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "place", code: .required, message: "place (in the query) is required.",
                                                                messageZH: "请在地址中给出地点代码（?place=代码）。")]))
        }
        var status: ProblemRecord.Status?
        if let text = request.uri.queryParameters.get("status") {
            guard let s = ProblemRecord.Status(rawValue: String(text)) else {
                throw APIError(fieldErrors: FieldErrors([FieldError(field: "status", code: .unknownValue, message: "status must be open, answered or closed.",
                                                                    messageZH: "status 应为 open、answered 或 closed。")]))
            }
            status = s
        }
        do {
            let path = try await channel.placeInScope(code, of: user)
            let now = Int64(Date().timeIntervalSince1970)
            var out: [[String: Any]] = []
            for p in try await services.channel.problems(placeIDs: try await channel.subtree(path.place), status: status, from: nil, to: nil) {
                var row = Self.problemJSON(p)
                row["door"] = try await services.placeCache.place(id: p.placeID)?.fullName ?? ""
                row["overdue"] = p.isOverdue(now: now)
                row["photo"] = p.hasPhoto ? "/api/v1/problems/\(p.id)/photo" as Any : NSNull()
                row["from_poster"] = p.person == nil
                out.append(row)
            }
            return Response.json(["problems": out])
        } catch let error as ChannelService.Refusal { throw refusal(error, "place") }
    }

    @Sendable func answerProblem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let problemID = try id(context, "problem report")
        do { _ = try await channel.problemInScope(problemID, of: user) } catch let error as ChannelService.Refusal { throw refusal(error, "problem report") }
        let fields = try await RegistrationController.jsonFields(request, context: context)
        var errors = Self.unknownFields(fields, allowed: ["text"])
        var text = ""
        switch ChannelText.read(fields["text"], field: "text", max: 1000, multiline: true, zh: "答复") {
        case .success(let t): text = t
        case .failure(let e): errors.insert(e, at: 0)
        }
        guard errors.isEmpty else { throw APIError(fieldErrors: FieldErrors(errors)) }
        guard let answered = try await services.channel.answerProblem(problemID, text: text, by: user.id, name: user.name,
                                                                       now: Int64(Date().timeIntervalSince1970)) else {
            throw APIError(.conflict, code: "problem_closed", message: "this report is closed")
        }
        try await audit(.problemAnswer, user, target: "problem:\(problemID)", detail: text, context)
        return Response.json(Self.problemJSON(answered))
    }

    @Sendable func closeProblem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let problemID = try id(context, "problem report")
        do { _ = try await channel.problemInScope(problemID, of: user) } catch let error as ChannelService.Refusal { throw refusal(error, "problem report") }
        guard let closed = try await services.channel.closeProblem(problemID, by: user.id, now: Int64(Date().timeIntervalSince1970)) else {
            throw APIError(.notFound, code: "not_found", message: "no problem report has the id \(problemID)")
        }
        try await audit(.problemClose, user, target: "problem:\(problemID)", detail: AuditDetail.make("closed"), context)
        return Response.json(Self.problemJSON(closed))
    }

    @Sendable func problemPhoto(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let problemID = try id(context, "problem report")
        do { _ = try await channel.problemInScope(problemID, of: user) } catch let error as ChannelService.Refusal { throw refusal(error, "problem report") }
        guard let png = try await services.channel.problemPhoto(problemID) else {
            throw APIError(.notFound, code: "not_found", message: "this report has no photo")
        }
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    // MARK: - Visitors

    static func visitorJSON(_ v: VisitorRecord) -> [String: Any] {
        ["id": v.id, "name": v.name, "arrival": v.arrival.iso, "until": v.until.iso, "days": v.days]
    }

    @Sendable func announceVisitor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        let fields: [String: FieldValue]
        if isForm { fields = FormBody.fields(String(buffer: try await request.body.collect(upTo: RegistrationController.maxBody))) }
        else { fields = try await RegistrationController.jsonFields(request, context: context) }
        let now = Int64(Date().timeIntervalSince1970)
        var errors = Self.unknownFields(fields, allowed: ["name", "phone", "arrival", "days"])
        guard person.status == .active, let community = try await channel.community(of: person) else {
            throw APIError(.forbidden, code: "forbidden", message: "only registered residents of a community announce visitors")
        }
        switch VisitorInput.validate(fields, today: Day(unixSeconds: now), noticeDays: services.rules.visitorNoticeDays) {
        case .failure(let e): errors = e.errors + errors
        case .success(let input) where errors.isEmpty:
            let visitor = try await channel.announce(input, host: person, community: community, now: now)
            if isForm { return Response(status: .seeOther, headers: [.location: "/me/\(person.meToken)#visitors"]) }
            return Response.json(Self.visitorJSON(visitor), status: .created)
        default: break
        }
        throw APIError(fieldErrors: FieldErrors(errors))
    }

    @Sendable func ownVisitors(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        return Response.json(["visitors": try await services.channel.visitors(of: person.ref).map(Self.visitorJSON)])
    }

    /// `?phone=…&checkpoint=CODE` (a guard of that checkpoint, or staff covering it): today's
    /// announcements to its community for that phone; `?place=COMMUNITY` (staff): all of them.
    @Sendable func listVisitors(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let today = Day(unixSeconds: Int64(Date().timeIntervalSince1970))
        let listings: [VisitorListing]
        let target: String
        if let checkpointCode = query.get("checkpoint").map({ String($0) }) {
            guard let place = try await services.places.place(code: checkpointCode), place.kind == .checkpoint else {
                throw APIError(fieldErrors: FieldErrors([FieldError(field: "checkpoint", code: .unknownValue,
                    message: "no checkpoint has the code '\(checkpointCode)'.", messageZH: "没有代码为“\(checkpointCode)”的卡口。")]))
            }
            let path = try await services.places.path(of: place)
            let allowed = user.role == .guard_ ? user.scopePlaceID == place.id : (user.role == .admin || user.role == .staff) && Access.covers(user, path)
            guard allowed else { throw APIError(.forbidden, code: "forbidden", message: "this token may not look visitors up at \(checkpointCode)") }
            guard let community = path.nearest(.community) else { return Response.json(["visitors": [Any]()]) }
            guard case .string(let text)? = query.get("phone").map({ FieldValue.string(String($0)) }), case .success(let phone) = PhoneNumber.parse(text) else {
                throw APIError(fieldErrors: FieldErrors([FieldError(field: "phone", code: .format, message: "phone must be a mainland mobile number.",
                                                                    messageZH: "请输入访客的手机号。")]))
            }
            listings = try await services.channel.visitors(communityID: community.id, on: today, phoneIndex: try channel.phoneIndex(phone))
            target = "place:" + checkpointCode
        } else if let code = query.get("place").map({ String($0) }) {
            let path: PlacePath
            do { path = try await channel.placeInScope(code, of: user) } catch let error as ChannelService.Refusal { throw refusal(error, "place") }
            guard let community = path.nearest(.community) else {
                throw APIError(fieldErrors: FieldErrors([FieldError(field: "place", code: .unknownValue, message: "place must be a community or below.",
                                                                    messageZH: "地点应为社区或其下级。")]))
            }
            listings = try await services.channel.visitors(communityID: community.id, on: nil, phoneIndex: nil)
            target = "place:" + community.code
        } else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "checkpoint", code: .required,
                message: "give checkpoint and phone (a guard), or place (staff).", messageZH: "请给出卡口代码和手机号，或地点代码。")]))
        }
        var rows: [[String: Any]] = []
        for l in listings {
            let door = try await services.placeCache.place(id: l.hostPlaceID)?.fullName ?? ""
            rows.append(["name": NameMask.mask(l.visitor.name), "host": NameMask.mask(l.hostName), "door": door + (l.hostRoom.map { " " + $0 } ?? ""),
                         "arrival": l.visitor.arrival.iso, "until": l.visitor.until.iso])
        }
        try await audit(.visitorLookup, user, target: target, detail: AuditDetail.make("visitors", ["count": rows.count]), context)
        return Response.json(["visitors": rows])
    }
}
