import Foundation
import GridPassCore
import GridPassCrypto
import Hummingbird

/// Server-side sessions of the staff pages. The browser holds a random 256-bit id in the
/// `gp_session` cookie (HttpOnly, SameSite=Strict, Path=/staff); the store holds only its
/// SHA-256, the user and the session's CSRF token. Sessions end after 8 idle hours, and 24 hours
/// after sign-in at the latest.
struct StaffSessions: Sendable {
    static let cookieName = "gp_session"
    /// The anti-forgery cookie of the sign-in form (there is no session yet to hold its token).
    static let loginCookieName = "gp_login"
    static let idle: Int64 = 8 * 3600
    static let absolute: Int64 = 24 * 3600
    /// `last_seen` is written at most this often.
    static let touchInterval: Int64 = 60

    let staff: any StaffRepository
    /// Whether cookies carry `Secure` (the public URL is https).
    let secure: Bool

    struct Loaded: Sendable {
        let session: StaffSession
        let idHash: [UInt8]
    }

    /// The live session named by the request's cookie, or nil.
    func load(_ request: Request, now: Int64) async throws -> Loaded? {
        guard let id = request.cookies[Self.cookieName]?.value, Self.isWellFormed(id) else { return nil }
        let hash = try SHA256Digest.hash(Array(id.utf8))
        guard let session = try await staff.session(idHash: hash) else { return nil }
        let deadline = min(session.expiresAt, session.createdAt + Self.absolute)
        guard now < deadline else {
            try await staff.deleteSession(idHash: hash)
            return nil
        }
        if now - session.lastSeen >= Self.touchInterval {
            try await staff.touchSession(idHash: hash, now: now, expiresAt: min(now + Self.idle, session.createdAt + Self.absolute))
        }
        return Loaded(session: session, idHash: hash)
    }

    /// Starts a session for `user`; returns the cookie to set.
    func create(for user: UserRecord, now: Int64) async throws -> Cookie {
        let id = Base32.encode(try SecureRandom.bytes(32))
        try await staff.createSession(idHash: try SHA256Digest.hash(Array(id.utf8)), userID: user.id, csrf: try CSRFToken.make(),
                                      now: now, expiresAt: now + Self.idle)
        try await staff.purgeStaleSessions(now: now, throttlesOlderThan: now - 86_400)
        return cookie(Self.cookieName, id)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/staff", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A cookie that makes the browser forget `name`.
    func clearing(_ name: String) -> Cookie {
        Cookie(name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/staff", secure: secure,
               httpOnly: true, sameSite: .strict)
    }

    /// 52 base32 characters (32 bytes), as `create` and `CSRFToken.make` write them.
    static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == 52 && Base32.decode(value) != nil
    }
}
