import Foundation
import GridPassCore
import GridPassCrypto
import Hummingbird
import QRImaging

/// Guards sign in without typing a token (CONTRACT §11, `GuardSignIn`):
/// - `POST /api/v1/checkpoints/CODE/signin` (staff or admin whose scope covers the checkpoint)
///   → 201 `{"url", "expires_at"}`: a single-use link, printed as a QR from the staff pages
///   (`/staff/places/CODE/guard-signin`); `DELETE` on the same path revokes every unused link and
///   every live guard session of that checkpoint;
/// - `GET /checkpoint/signin/SECRET`: the first time, the guard page signed in as the
///   checkpoint's guard (a guard-session token handed to the page); again, 410 with a page saying
///   so (also when expired or revoked);
/// - `POST /api/v1/guard/login` `{"name", "password"}` (a guard account with a password, the same
///   lockouts as the staff sign-in) → 201 `{"token", "expires_at", "checkpoint"}`;
///   `POST /api/v1/guard/logout` ends the session of the bearer.
struct GuardSignInController: Sendable {
    let env: StaffEnvironment
    let login: StaffLoginController

    init(env: StaffEnvironment) {
        self.env = env
        self.login = StaffLoginController(env: env)
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/checkpoints/{code}/signin", use: createLink)
        router.delete("/api/v1/checkpoints/{code}/signin", use: revoke)
        router.get("/checkpoint/signin/{secret}", use: open)
        router.post("/api/v1/guard/login", use: passwordLogin)
        router.post("/api/v1/guard/logout", use: logout)
        env.post(router, "/staff/places/{code}/guard-signin", roles: [.admin, .staff], printPage)
        env.post(router, "/staff/places/{code}/guard-signin/revoke", roles: [.admin, .staff], revokePage)
    }

    // MARK: - The link

    /// A new link for `checkpoint`, stored and audited: its URL and end.
    func newLink(_ checkpoint: PlacePath, by user: UserRecord, context: AppRequestContext, now: Int64) async throws -> (url: String, expiresAt: Int64) {
        let secret = GuardSignIn.linkPrefix + Base32.encode(try SecureRandom.bytes(20))
        let expiresAt = now + GuardSignIn.linkLifetime
        try await env.services.staff.createGuardLink(linkHash: try SHA256Digest.hash(Array(secret.utf8)), checkpointPlaceID: checkpoint.place.id,
                                                     createdBy: user.id, now: now, expiresAt: expiresAt)
        try await env.audit(.guardLink, by: user, target: "place:" + checkpoint.place.code,
                            detail: AuditDetail.make("guard_link", ["until": expiresAt]), context: context, now: now)
        return (env.publicURL + "/checkpoint/signin/" + secret, expiresAt)
    }

    func revokeAll(_ checkpoint: PlacePath, by user: UserRecord, context: AppRequestContext, now: Int64) async throws -> Int {
        let count = try await env.services.staff.revokeGuardSignIns(checkpointPlaceID: checkpoint.place.id, now: now)
        try await env.audit(.guardRevoke, by: user, target: "place:" + checkpoint.place.code, detail: AuditDetail.make("guard_revoked", ["count": count]), context: context, now: now)
        return count
    }

    /// The checkpoint of the path's `code` when `user` (staff or admin) covers it.
    func checkpointForStaff(_ context: AppRequestContext) async throws -> (UserRecord, PlacePath) {
        let user = try context.requireUser()
        let code = context.parameters.get("code") ?? ""
        guard let place = try await env.services.places.place(code: code), place.kind == .checkpoint else {
            throw APIError(.notFound, code: "not_found", message: "no checkpoint has the code '\(code)'")
        }
        let path = try await env.services.places.path(of: place)
        guard user.role == .admin || user.role == .staff, Access.covers(user, path) else {
            throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers \(code) may sign guards in there")
        }
        return (user, path)
    }

    @Sendable func createLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, checkpoint) = try await checkpointForStaff(context)
        let link = try await newLink(checkpoint, by: user, context: context, now: Int64(Date().timeIntervalSince1970))
        return Response.json(["url": link.url, "expires_at": UTCTimestamp.iso(link.expiresAt)], status: .created)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, checkpoint) = try await checkpointForStaff(context)
        let count = try await revokeAll(checkpoint, by: user, context: context, now: Int64(Date().timeIntervalSince1970))
        return Response.json(["revoked": count])
    }

    /// `GET /checkpoint/signin/SECRET`.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(request)
        let t = language.strings
        let secret = context.parameters.get("secret") ?? ""
        let now = Int64(Date().timeIntervalSince1970)
        var outcome = GuardSignIn.Redemption.unknown
        var session = ""
        if GuardSignIn.isLink(secret) {
            session = GuardSignIn.sessionPrefix + Base32.encode(try SecureRandom.bytes(20))
            outcome = try await env.services.staff.redeemGuardLink(linkHash: try SHA256Digest.hash(Array(secret.utf8)),
                                                                   sessionHash: try SHA256Digest.hash(Array(session.utf8)),
                                                                   now: now, sessionExpiresAt: now + GuardSignIn.sessionLifetime)
        }
        let failure: (HTTPResponse.Status, String)
        switch outcome {
        case .signedIn:
            var response = try env.services.pages.page("checkpoint", ["title": t["guard_title"]!, "signin_token": session], language: language)
            response.headers[.init("Referrer-Policy")!] = "no-referrer"
            return response
        case .alreadyUsed: failure = (.gone, "signin_used")
        case .expired: failure = (.gone, "signin_expired")
        case .revoked: failure = (.gone, "signin_revoked")
        case .unknown: failure = (.notFound, "signin_unknown")
        }
        return try env.services.pages.page("message", ["title": t[failure.1 + "_title"]!, "body": t[failure.1 + "_body"]!, "kind": "error"],
                                           language: language, status: failure.0)
    }

    // MARK: - Name and password

    @Sendable func passwordLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await RegistrationController.jsonFields(request, context: context)
        var errors: [FieldError] = []
        for field in ["name", "password"] {
            guard case .string(let value)? = fields[field], !value.isEmpty else {
                errors.append(FieldError(field: field, code: fields[field] == nil ? .required : .invalidType,
                                         message: "\(field) is required (text).", messageZH: field == "name" ? "请填写用户名。" : "请填写密码。"))
                continue
            }
            if value.count > 200 { errors.append(FieldError(field: field, code: .tooLong, message: "\(field) is too long.", messageZH: "内容过长。")) }
        }
        guard errors.isEmpty, case .string(let rawName)? = fields["name"], case .string(let password)? = fields["password"] else {
            throw APIError(fieldErrors: FieldErrors(errors))
        }
        let name = String(rawName.trimmingSpaces.prefix(64))
        let now = Int64(Date().timeIntervalSince1970)
        switch try await login.checkPassword(name: name, password: password, context: context, now: now) {
        case .locked(let until):
            throw APIError(.tooManyRequests, code: "locked", message: "too many failed sign-ins: locked until \(Language.en.time(until)) (\(LocalZone.deployment.identifier))")
        case .failed:
            throw APIError(.unauthorized, code: "unauthorized", message: "wrong name or password")
        case .success(let user):
            guard user.role == .guard_, let checkpointID = user.scopePlaceID,
                  let checkpoint = try await env.services.places.place(id: checkpointID) else {
                throw APIError(.forbidden, code: "forbidden", message: "only guard accounts sign in on the guard page")
            }
            let session = GuardSignIn.sessionPrefix + Base32.encode(try SecureRandom.bytes(20))
            let expiresAt = now + GuardSignIn.sessionLifetime
            try await env.services.staff.createGuardSession(sessionHash: try SHA256Digest.hash(Array(session.utf8)), checkpointPlaceID: checkpointID,
                                                            userName: user.name, now: now, expiresAt: expiresAt)
            try await env.audit(.loginSuccess, by: user, target: "user:" + user.name, detail: AuditDetail.make("guard_page"), context: context, now: now)
            return Response.json(["token": session, "expires_at": UTCTimestamp.iso(expiresAt), "checkpoint": checkpoint.code], status: .created)
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        if let token = BearerAuthMiddleware.token(request.headers), GuardSignIn.isSession(token) {
            try await env.services.staff.endGuardSession(sessionHash: try SHA256Digest.hash(token), now: Int64(Date().timeIntervalSince1970))
        }
        return Response(status: .noContent)
    }

    // MARK: - Staff pages

    /// The printable sign-in QR of a checkpoint (a form's POST: each print is a new link).
    func printPage(_ r: StaffRequest) async throws -> Response {
        let checkpoint = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        guard checkpoint.place.kind == .checkpoint else { throw StaffFailure.invalid(r.s["signin_not_checkpoint"]) }
        let link = try await newLink(checkpoint, by: r.user, context: r.context, now: r.now)
        let matrix = try QRMatrix(text: link.url, errorCorrection: .medium)
        return try env.page("staff-guard-signin", [
            "title": r.s["signin_title"], "name": checkpoint.place.name, "fullName": checkpoint.fullName,
            "qr": SVGRenderer.qrElement(matrix, x: 0, y: 0, side: 100), "url": link.url,
            "note": r.s.fill("signin_note", ["until": r.s.time(link.expiresAt)]), "back": "/staff/places/\(checkpoint.place.code)",
            "revoke": "/staff/places/\(checkpoint.place.code)/guard-signin/revoke",
        ], r)
    }

    func revokePage(_ r: StaffRequest) async throws -> Response {
        let checkpoint = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        guard checkpoint.place.kind == .checkpoint else { throw StaffFailure.invalid(r.s["signin_not_checkpoint"]) }
        let count = try await revokeAll(checkpoint, by: r.user, context: r.context, now: r.now)
        return Response(status: .seeOther, headers: [.location: "/staff/places/\(checkpoint.place.code)?revoked=\(count)"])
    }
}
