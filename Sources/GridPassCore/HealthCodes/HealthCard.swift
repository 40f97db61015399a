import GridPassCrypto

/// The printed health card of a resident without a smartphone (CONTRACT §11). Paper cannot
/// change colour, so its QR is not a health code but a long-lived reference: `GPC1:` and 26
/// base32 characters (16 random bytes), 31 characters in all, QR alphanumeric mode. It carries no
/// personal data and no colour; the server keeps only its SHA-256, with the person it stands for.
/// A guard's scan of it answers the person's current colour and status, as their current code
/// would; printing a new card revokes the older ones (`invalid`, `revoked` at the gate).
public enum HealthCard {
    public static let prefix = "GPC1:"

    /// A new card text.
    public static func make() throws -> String { prefix + Base32.encode(try SecureRandom.bytes(16)) }

    /// Whether `text` has a card's shape (any case: QR scanners may lower-case it).
    /// Every scan asks (a GP1 code is 81 characters): the length is checked before anything is copied.
    public static func isCard(_ text: String) -> Bool {
        guard text.utf8.count == prefix.utf8.count + 26 else { return false }
        let upper = text.uppercased()
        guard upper.hasPrefix(prefix), upper.utf8.count == prefix.utf8.count + 26 else { return false }
        return Base32.decode(String(upper.dropFirst(prefix.count))) != nil
    }

    /// The stored hash of a card text (upper-cased first).
    public static func hash(_ text: String) throws -> [UInt8] { try SHA256Digest.hash(Array(text.uppercased().utf8)) }
}

/// A card as stored.
public struct StoredCard: Sendable, Equatable {
    public var person: PersonRef
    public var createdAt: Int64
    public var revokedAt: Int64?

    public init(person: PersonRef, createdAt: Int64, revokedAt: Int64?) {
        self.person = person
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
