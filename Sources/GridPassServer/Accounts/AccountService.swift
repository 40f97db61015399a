import GridPassCore
import GridPassCrypto
import HummingbirdBcrypt

/// Creates users (for `gridpass user add` and the admin pages).
public struct AccountService: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let services: AppServices

    public init(services: AppServices) { self.services = services }

    /// Creates the user and returns its API token (shown once; only its hash is stored).
    public func addUser(name: String, role: UserRecord.Role, scope: String?, password: String?) async throws -> (UserRecord, token: String) {
        let name = name.trimmingSpaces
        guard (1...40).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || "<>&\"'".unicodeScalars.contains($0) }) else {
            throw Failure(description: "NAME must be 1–40 characters without control characters or < > & \" '")
        }
        var scopeID: Int64?
        switch (role, scope) {
        case (.admin, nil): break
        case (.admin, .some): throw Failure(description: "an admin has no --scope (admins may do everything)")
        case (_, nil): throw Failure(description: "a \(role.rawValue) needs --scope (\(Access.allowedScopeKinds(role).map(\.rawValue).sorted().joined(separator: ", ")))")
        case (_, .some(let code)):
            guard let place = try await services.places.place(code: code) else { throw Failure(description: "--scope: no place has the code '\(code)'") }
            guard Access.allowedScopeKinds(role).contains(place.kind) else {
                throw Failure(description: "--scope: a \(role.rawValue)'s scope must be a \(Access.allowedScopeKinds(role).map(\.rawValue).sorted().joined(separator: " or ")), not a \(place.kind.rawValue)")
            }
            scopeID = place.id
        }
        if let password, password.count < 8 { throw Failure(description: "the password must have at least 8 characters") }
        let token = APIToken.prefix + Base32.encode(try SecureRandom.bytes(20))
        let hash = password.map { Bcrypt.hash($0, cost: 10) }
        do {
            let user = try await services.users.addUser(name: name, role: role, scopePlaceID: scopeID, passwordHash: hash,
                                                        tokenHash: try SHA256Digest.hash(Array(token.utf8)))
            return (user, token)
        } catch let error as RepositoryError {
            throw Failure(description: error.description)
        }
    }
}
