/// Guards signing in without typing a token (CONTRACT §11): a staff member prints a sign-in QR
/// for a checkpoint; the guard's phone opens its link once and is signed in as that checkpoint's
/// guard for a shift. A guard account with a password may sign in by name and password instead.
/// Both give the browser a guard-session token (`gpg_…`, the same shape as an API token), stored
/// only as its SHA-256 and checked against the database at every request (revocable at once).
public enum GuardSignIn {
    /// Prefix of the sign-in link's secret in its URL (`/checkpoint/signin/gpl_…`).
    public static let linkPrefix = "gpl_"
    /// Prefix of a guard-session token (an API token is `gpt_…`).
    public static let sessionPrefix = "gpg_"
    /// A printed sign-in QR works for this long (long enough to walk it to the gate).
    public static let linkLifetime: Int64 = 30 * 60
    /// A guard session lasts a shift.
    public static let sessionLifetime: Int64 = 16 * 3600
    /// Links and sessions are deleted this long after their end.
    public static let keptAfterEnd: Int64 = 30 * 86400

    /// Whether `token` has the shape of a guard-session token (prefix + 32 base32 characters).
    public static func isSession(_ token: [UInt8]) -> Bool { wellFormed(token, prefix: sessionPrefix) }
    public static func isLink(_ secret: String) -> Bool { wellFormed(Array(secret.utf8), prefix: linkPrefix) }

    static func wellFormed(_ token: [UInt8], prefix: String) -> Bool {
        guard token.count == prefix.utf8.count + 32, token.starts(with: prefix.utf8) else { return false }
        return token.withUnsafeBufferPointer { Base32.decode(utf8: UnsafeBufferPointer(rebasing: $0.dropFirst(prefix.utf8.count))) != nil }
    }

    /// What opening a sign-in link did.
    public enum Redemption: Sendable, Equatable {
        /// Signed in: the session now stored for the link's checkpoint.
        case signedIn(checkpointPlaceID: Int64)
        case alreadyUsed, expired, revoked, unknown
    }

    /// Why a stored link that was not redeemed failed: revoked first, then used, else expired.
    public static func refusal(usedAt: Int64?, revokedAt: Int64?) -> Redemption {
        revokedAt != nil ? .revoked : usedAt != nil ? .alreadyUsed : .expired
    }

    /// A live guard session, as stored.
    public struct Session: Sendable, Equatable {
        public var id: Int64
        public var checkpointPlaceID: Int64
        /// The guard account that signed in with a password; nil for a sign-in link.
        public var userName: String?
        public var expiresAt: Int64

        public init(id: Int64, checkpointPlaceID: Int64, userName: String?, expiresAt: Int64) {
            self.id = id
            self.checkpointPlaceID = checkpointPlaceID
            self.userName = userName
            self.expiresAt = expiresAt
        }
    }
}
