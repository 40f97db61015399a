import Foundation
import GridPassCore
import Hummingbird

/// What every staff page needs: the services, the session store and the page helpers.
struct StaffEnvironment: Sendable {
    let services: AppServices
    let codes: HealthCodeService
    /// The base URL printed on posters.
    let publicURL: String
    let sessions: StaffSessions
    let addresses: AddressThrottle

    init(services: AppServices, codes: HealthCodeService, publicURL: String) {
        self.services = services
        self.codes = codes
        self.publicURL = publicURL
        sessions = StaffSessions(staff: services.staff, secure: publicURL.lowercased().hasPrefix("https:"))
        addresses = AddressThrottle()
    }

    static let staffRoles: Set<UserRecord.Role> = [.admin, .staff, .hr]
    static let maxForm = 16 * 1024

    typealias Handler = @Sendable (StaffRequest) async throws -> Response

    func get(_ router: Router<AppRequestContext>, _ path: RouterPath, roles: Set<UserRecord.Role> = staffRoles, _ handler: @escaping Handler) {
        router.get(path) { request, context in try await run(request, context, post: false, roles: roles, handler) }
    }

    func post(_ router: Router<AppRequestContext>, _ path: RouterPath, roles: Set<UserRecord.Role> = staffRoles, _ handler: @escaping Handler) {
        router.post(path) { request, context in try await run(request, context, post: true, roles: roles, handler) }
    }

    /// Session (else the sign-in page, or 403 for a form), CSRF token of forms, role; then the
    /// handler, whose `StaffFailure`s become pages.
    func run(_ request: Request, _ context: AppRequestContext, post: Bool, roles: Set<UserRecord.Role>,
             _ handler: Handler) async throws -> Response {
        let language = Language(request)
        let now = Int64(Date().timeIntervalSince1970)
        let loaded = try await sessions.load(request, now: now)
        var form: [String: String] = [:]
        var formBody = ""
        if post {
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.maxForm) } catch {
                return try message(.contentTooLarge, title: "413", body: "表单内容过大 / The form is too large.", language: language, session: loaded?.session)
            }
            formBody = String(buffer: body)
            form = Self.fields(formBody)
            guard let loaded, CSRFToken.matches(expected: loaded.session.csrf, submitted: form[CSRFToken.field]) else {
                let s = StaffText(language)
                return try message(.forbidden, title: s["csrf_title"], body: s["csrf_body"], language: language, session: loaded?.session)
            }
        }
        guard let loaded else { return Self.toLogin(request) }
        let staffRequest = StaffRequest(request: request, context: context, session: loaded.session, idHash: loaded.idHash,
                                        language: language, form: form, formBody: formBody, now: now)
        guard roles.contains(loaded.session.user.role) else { return try failurePage(.forbidden, staffRequest) }
        do {
            return try await handler(staffRequest)
        } catch let failure as StaffFailure {
            return try failurePage(failure, staffRequest)
        }
    }

    /// 303 to the sign-in page, coming back here afterwards.
    static func toLogin(_ request: Request) -> Response {
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_."))) ?? "/staff"
        return Response(status: .seeOther, headers: [.location: "/staff/login?next=" + next])
    }

    /// Form fields; the first value of a repeated name wins.
    static func fields(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in FormBody.pairs(body) where out[name] == nil { out[name] = value }
        return out
    }

    // MARK: - Pages

    /// Renders a staff template with the navigation of the signed-in user.
    func page(_ template: String, _ values: [String: Any], _ r: StaffRequest, status: HTTPResponse.Status = .ok) throws -> Response {
        try render(template, values, language: r.language, session: r.session, status: status)
    }

    func render(_ template: String, _ values: [String: Any], language: Language, session: StaffSession?,
                status: HTTPResponse.Status = .ok) throws -> Response {
        var values = values
        let s = StaffText(language)
        values["s"] = s.strings
        if let session {
            let role = session.user.role
            values["nav"] = [
                "user": session.user.name, "role": s["role_" + role.rawValue], "csrf": session.csrf,
                "review": role == .admin || role == .hr, "risk": role == .admin || role == .staff, "audit": role == .admin,
            ] as [String: Any]
            values["csrf"] = session.csrf
        }
        return Response.html(try services.pages.render(template, values, language: language), status: status)
    }

    func message(_ status: HTTPResponse.Status, title: String, body: String, language: Language, session: StaffSession?,
                 link: (href: String, label: String)? = nil) throws -> Response {
        let s = StaffText(language)
        let link = link ?? (session == nil ? ("/staff/login", s["login_title"]) : ("/staff", s["back_home"]))
        return try render("staff-message", ["title": title, "body": body, "kind": status.code >= 400 ? "error" : "notice",
                                            "link": ["href": link.href, "label": link.label]],
                          language: language, session: session, status: status)
    }

    func failurePage(_ failure: StaffFailure, _ r: StaffRequest) throws -> Response {
        let s = StaffText(r.language)
        switch failure {
        case .forbidden:
            if r.user.role == .guard_ {
                return try message(.forbidden, title: s["forbidden_title"], body: s["guard_body"], language: r.language,
                                   session: r.session, link: ("/checkpoint", s["checkpoint_page"]))
            }
            return try message(.forbidden, title: s["forbidden_title"], body: s["forbidden_body"], language: r.language, session: r.session)
        case .notFound:
            return try message(.notFound, title: s["notfound_title"], body: s["notfound_body"], language: r.language, session: r.session)
        case .invalid(let text):
            return try message(.unprocessableContent, title: s["bad_title"], body: text, language: r.language, session: r.session)
        }
    }

    // MARK: - Audit

    func audit(_ action: AuditEntry.Action, by user: UserRecord?, name: String? = nil, target: String, detail: String = "",
               context: AppRequestContext, now: Int64) async throws {
        try await services.staff.addAudit(AuditEntry(at: now, userID: user?.id, userName: name ?? user?.name ?? "", action: action,
                                                     target: target, detail: detail, address: context.clientAddress))
    }

    func audit(_ action: AuditEntry.Action, _ r: StaffRequest, target: String, detail: String = "") async throws {
        try await audit(action, by: r.user, target: target, detail: detail, context: r.context, now: r.now)
    }

    // MARK: - Scope

    /// The place with that code, if the user's scope covers it (else 404 / 403).
    func placeInScope(_ code: String, _ r: StaffRequest) async throws -> PlacePath {
        guard let place = try await services.places.place(code: code) else { throw StaffFailure.notFound }
        let path = try await services.places.path(of: place)
        guard Access.covers(r.user, path) else { throw StaffFailure.forbidden }
        return path
    }

    /// The person with that id, if the user's scope covers their place.
    func personInScope(_ id: String, _ r: StaffRequest) async throws -> (PersonRecord, PlacePath) {
        guard let person = try await services.people.person(id: id), let path = try await services.places.path(placeID: person.placeID) else {
            throw StaffFailure.notFound
        }
        guard Access.covers(r.user, path) else { throw StaffFailure.forbidden }
        return (person, path)
    }
}

/// One request to a staff page by a signed-in user.
struct StaffRequest: Sendable {
    let request: Request
    let context: AppRequestContext
    let session: StaffSession
    let idHash: [UInt8]
    let language: Language
    /// The fields of a form (its CSRF token already checked); empty for GET.
    let form: [String: String]
    /// The form's body as sent (repeated fields such as check boxes: `FormBody.fields`).
    var formBody: String = ""
    let now: Int64

    var user: UserRecord { session.user }
    var s: StaffText { StaffText(language) }
    func query(_ name: String) -> String? { request.uri.queryParameters.get(name) }
}

/// What a staff handler may refuse with; shown as a page.
enum StaffFailure: Error {
    case forbidden
    case notFound
    case invalid(String)
}
