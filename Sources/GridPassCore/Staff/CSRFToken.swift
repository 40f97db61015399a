import GridPassCrypto

/// Anti-forgery tokens of staff forms: random per session, sent back in a hidden `_csrf` field
/// and compared in constant time.
public enum CSRFToken {
    /// The name of the hidden form field.
    public static let field = "_csrf"

    /// A new token: 32 random bytes in base32 (52 characters).
    public static func make() throws -> String {
        Base32.encode(try SecureRandom.bytes(32))
    }

    /// Whether the submitted token is the expected one (false when either is missing or empty).
    public static func matches(expected: String?, submitted: String?) -> Bool {
        guard let expected, let submitted, !expected.isEmpty, !submitted.isEmpty else { return false }
        return constantTimeEquals(Array(expected.utf8), Array(submitted.utf8))
    }
}
