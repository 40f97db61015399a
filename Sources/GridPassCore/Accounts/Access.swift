/// Who may act on what (CONTRACT §7): admins everything; staff a street, community or grid and
/// everything below it; HR one enterprise; guards one checkpoint.
public enum Access {
    /// Whether `user`'s scope contains the place at `path` (the place itself or an ancestor).
    public static func covers(_ user: UserRecord, _ path: PlacePath) -> Bool {
        if user.role == .admin { return true }
        guard let scope = user.scopePlaceID else { return false }
        return path.place.id == scope || path.ancestors.contains { $0.id == scope }
    }

    /// Whether `user` may review workers of the enterprise `enterpriseID`.
    public static func mayReview(_ user: UserRecord, enterpriseID: Int64) -> Bool {
        user.role == .admin || (user.role == .hr && user.scopePlaceID == enterpriseID)
    }

    /// The place kinds a role's scope may be, for `user add --scope`.
    public static func allowedScopeKinds(_ role: UserRecord.Role) -> Set<PlaceKind> {
        switch role {
        case .admin: []
        case .staff: [.district, .street, .community, .grid]
        case .hr: [.enterprise]
        case .guard_: [.checkpoint]
        }
    }
}

/// API tokens: `gpt_` and 32 base32 characters (160 random bits); only their SHA-256 is stored.
public enum APIToken {
    public static let prefix = "gpt_"

    public static func isWellFormed(_ token: String) -> Bool {
        isWellFormed(Array(token.utf8))
    }

    /// The same check on the token's UTF-8 bytes.
    public static func isWellFormed(_ token: [UInt8]) -> Bool {
        guard token.count == prefix.utf8.count + 32, token.starts(with: prefix.utf8) else { return false }
        return token.withUnsafeBufferPointer { Base32.decode(utf8: UnsafeBufferPointer(rebasing: $0.dropFirst(prefix.utf8.count))) != nil }
    }
}
