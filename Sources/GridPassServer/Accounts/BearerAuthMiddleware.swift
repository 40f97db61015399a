import Foundation
import GridPassCore
import GridPassCrypto
import Hummingbird
import HummingbirdAuth

/// Sets `context.identity` from `Authorization: Bearer TOKEN`. Routes that need a user call
/// `requireUser`, which answers 401 when there is none (no header or a bad token).
/// A guard-session token (`gpg_…`, GuardSignIn) is read from the database at every request, so
/// that its revocation or end is in force at the next one, on every node.
struct BearerAuthMiddleware: RouterMiddleware {
    let users: any UserRepository
    let staff: any StaffRepository
    let places: any PlaceRepository
    /// Known tokens for a minute (accounts are only ever added; a new one is looked up at once).
    let known = TTLCache<[UInt8], UserRecord>(ttl: .seconds(60))

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let bearer = Self.token(request.headers), APIToken.isWellFormed(bearer) {
            // Look-up by hash: the stored value is never compared with the secret itself.
            let hash = try SHA256Digest.hash(bearer)
            context.identity = try await known.value(for: hash) { try await users.user(tokenHash: hash) }
        } else if let bearer = Self.token(request.headers), GuardSignIn.isSession(bearer) {
            context.identity = try await guardIdentity(sessionHash: try SHA256Digest.hash(bearer))
        }
        return try await next(request, context)
    }

    /// The guard of a live guard session: the account that signed in with its password (while it
    /// is still that checkpoint's guard), or for a sign-in link a guard of that checkpoint named
    /// after it (no account of its own; id 0).
    func guardIdentity(sessionHash: [UInt8]) async throws -> UserRecord? {
        guard let session = try await staff.guardSession(sessionHash: sessionHash, now: Int64(Date().timeIntervalSince1970)) else { return nil }
        if let name = session.userName {
            guard let user = try await users.user(name: name), user.role == .guard_, user.scopePlaceID == session.checkpointPlaceID else { return nil }
            return user
        }
        let code = try await places.place(id: session.checkpointPlaceID)?.code ?? "?"
        return UserRecord(id: 0, name: "\(code) · #\(session.id)", role: .guard_, scopePlaceID: session.checkpointPlaceID, passwordHash: nil)
    }

    /// The token of `Authorization: Bearer TOKEN`, as bytes (the scheme in any case, RFC 7235).
    static func token(_ headers: HTTPFields) -> [UInt8]? {
        guard let value = headers[.authorization] else { return nil }
        let bytes = Array(value.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count + 1, bytes[scheme.count] == UInt8(ascii: " "),
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }  // letters in either case
        return Array(bytes[(scheme.count + 1)...])
    }
}

extension AppRequestContext {
    /// The authenticated user, or 401.
    func requireUser() throws -> UserRecord {
        guard let identity else { throw APIError(.unauthorized, code: "unauthorized", message: "a valid bearer token is required") }
        return identity
    }
}
