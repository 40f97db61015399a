import GridPassCore
import GridPassCrypto
import Hummingbird
import HummingbirdAuth

/// Sets `context.identity` from `Authorization: Bearer TOKEN`. Routes that need a user call
/// `requireUser`, which answers 401 when there is none (no header or a bad token).
struct BearerAuthMiddleware: RouterMiddleware {
    let users: any UserRepository
    /// Known tokens for a minute (accounts are only ever added; a new one is looked up at once).
    let known = TTLCache<[UInt8], UserRecord>(ttl: .seconds(60))

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let bearer = Self.token(request.headers), APIToken.isWellFormed(bearer) {
            // Look-up by hash: the stored value is never compared with the secret itself.
            let hash = try SHA256Digest.hash(bearer)
            context.identity = try await known.value(for: hash) { try await users.user(tokenHash: hash) }
        }
        return try await next(request, context)
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
