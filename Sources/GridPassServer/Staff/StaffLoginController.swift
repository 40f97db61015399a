import Foundation
import GridPassCore
import GridPassCrypto
import Hummingbird
import HummingbirdBcrypt

/// `GET/POST /staff/login` and `POST /staff/logout`. Passwords are checked with bcrypt; wrong
/// passwords are counted per account (SQLite) and per client address (memory): five failures
/// within 15 minutes lock the account for 15 minutes, twenty lock the address.
struct StaffLoginController: Sendable {
    let env: StaffEnvironment

    /// A bcrypt hash to verify against when the account does not exist, so that the answer
    /// takes as long as for a real account.
    static let decoyHash = Bcrypt.hash("no such account", cost: 10)

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/staff/login", use: form)
        router.post("/staff/login", use: login)
        env.post(router, "/staff/logout", roles: Set(UserRecord.Role.allCases), logout)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = Int64(Date().timeIntervalSince1970)
        if let loaded = try await env.sessions.load(request, now: now) {
            return Response(status: .seeOther, headers: [.location: Self.home(loaded.session.user)])
        }
        let s = StaffText(Language(request))
        return try loginPage(request, next: request.uri.queryParameters.get("next").map { String($0) },
                             notice: request.uri.queryParameters.get("bye") != nil ? s["logged_out"] : nil)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let s = StaffText(language)
        let now = Int64(Date().timeIntervalSince1970)
        let body = try await request.body.collect(upTo: StaffEnvironment.maxForm)
        let form = StaffEnvironment.fields(String(buffer: body))
        let name = String((form["name"] ?? "").trimmingSpaces.prefix(64))
        let next = form["next"]
        // The sign-in form's token is the one in its cookie (double submit; SameSite=Strict as well).
        guard CSRFToken.matches(expected: request.cookies[StaffSessions.loginCookieName]?.value, submitted: form[CSRFToken.field]) else {
            return try loginPage(request, next: next, name: name, error: s["login_expired"], status: .forbidden)
        }
        let user: UserRecord
        switch try await checkPassword(name: name, password: form["password"] ?? "", context: context, now: now) {
        case .locked(let until):
            return try loginPage(request, next: next, name: name, error: s.fill("login_locked", ["time": s.language.clock(until)]),
                                 status: .tooManyRequests)
        case .failed(let remaining):
            var error = s["login_bad"]
            if remaining <= 2 { error += (language == .en ? " " : "") + s.fill("login_remaining", ["n": String(remaining)]) }
            return try loginPage(request, next: next, name: name, error: error, status: .unauthorized)
        case .success(let found):
            user = found
        }
        var response = Response(status: .seeOther, headers: [.location: Self.safeNext(next) ?? Self.home(user)])
        response.setCookie(try await env.sessions.create(for: user, now: now))
        response.setCookie(env.sessions.clearing(StaffSessions.loginCookieName))
        try await env.audit(.loginSuccess, by: user, target: "user:" + user.name, context: context, now: now)
        return response
    }

    enum PasswordCheck {
        case success(UserRecord)
        case locked(until: Int64)
        case failed(remaining: Int)
    }

    /// Checks a name and password against the lockouts (per account, shared by every node; per
    /// address, per node), bcrypt and the audit log: the staff sign-in form and the guard page's
    /// sign-in both come through here. Success is audited as a login.
    func checkPassword(name: String, password: String, context: AppRequestContext, now: Int64) async throws -> PasswordCheck {
        let address = context.clientAddress ?? "unknown"
        let accountState = try await env.services.staff.loginThrottle(account: name)
        for decision in [env.addresses.check(address, now: now), accountState.check(now: now, policy: .account)] {
            if case .locked(let until) = decision { return .locked(until: until) }
        }
        let user = name.isEmpty ? nil : try await env.services.users.user(name: name)
        let hash = user?.passwordHash
        let verified = Bcrypt.verify(password, hash: hash ?? Self.decoyHash) && hash != nil && !password.isEmpty
        guard let user, verified else {
            let state = try await env.services.staff.updateLoginThrottle(account: name) { $0.failed(now: now, policy: .account) }
            let addressState = env.addresses.failed(address, now: now)
            let lockedUntil = [state.lockedUntil, addressState.lockedUntil].compactMap { $0 }.max()
            try await env.audit(lockedUntil == nil ? .loginFailure : .loginLocked, by: user, name: name.isEmpty ? "?" : name,
                                target: "user:" + (name.isEmpty ? "?" : name),
                                detail: lockedUntil.map { AuditDetail.make("locked", ["until": $0]) } ?? AuditDetail.make("failure", ["count": state.failures]),
                                context: context, now: now)
            if let lockedUntil { return .locked(until: lockedUntil) }
            return .failed(remaining: LoginThrottle.Policy.account.maxFailures - state.failures)
        }
        _ = try await env.services.staff.updateLoginThrottle(account: name) { _ in .fresh }
        return .success(user)
    }

    func logout(_ r: StaffRequest) async throws -> Response {
        try await env.services.staff.deleteSession(idHash: r.idHash)
        try await env.audit(.logout, r, target: "user:" + r.user.name)
        var response = Response(status: .seeOther, headers: [.location: "/staff/login?bye=1"])
        response.setCookie(env.sessions.clearing(StaffSessions.cookieName))
        return response
    }

    /// The sign-in page, with its anti-forgery cookie (reused while it is there).
    func loginPage(_ request: Request, next: String?, name: String = "", notice: String? = nil, error: String? = nil,
                   status: HTTPResponse.Status = .ok) throws -> Response {
        let language = Language(request)
        let s = StaffText(language)
        var token = request.cookies[StaffSessions.loginCookieName]?.value ?? ""
        let fresh = !StaffSessions.isWellFormed(token)
        if fresh { token = try CSRFToken.make() }
        var values: [String: Any] = ["title": s["login_title"], "name": name, "login_csrf": token, "next": Self.safeNext(next) ?? ""]
        if let notice { values["notice"] = notice }
        if let error { values["error"] = error }
        var response = try env.render("staff-login", values, language: language, session: nil, status: status)
        if fresh { response.setCookie(env.sessions.cookie(StaffSessions.loginCookieName, token, maxAge: 3600)) }
        return response
    }

    /// Where a user lands after signing in.
    static func home(_ user: UserRecord) -> String {
        switch user.role {
        case .guard_: "/checkpoint"
        case .hr: "/staff/review"
        default: "/staff"
        }
    }

    /// `next` when it is a staff page of this server (never another host: no open redirect).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.count <= 300, next == "/staff" || next.hasPrefix("/staff/"),
              !next.contains("//"), !next.contains("\\"), !next.contains(".."),
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        return next
    }
}
