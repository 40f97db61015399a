/// A signed-in browser of a staff user, as stored (the cookie's id only as its SHA-256).
public struct StaffSession: Sendable, Equatable {
    public var user: UserRecord
    /// The anti-forgery token of this session's forms.
    public var csrf: String
    public var createdAt: Int64
    public var lastSeen: Int64
    public var expiresAt: Int64

    public init(user: UserRecord, csrf: String, createdAt: Int64, lastSeen: Int64, expiresAt: Int64) {
        self.user = user
        self.csrf = csrf
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.expiresAt = expiresAt
    }
}

/// A person whose latest staff flag is still open (anything but `cleared`).
public struct FlaggedPerson: Sendable, Equatable {
    public var person: CoveragePerson
    public var flag: StaffFlagKind
    public var at: Int64

    public init(person: CoveragePerson, flag: StaffFlagKind, at: Int64) {
        self.person = person
        self.flag = flag
        self.at = at
    }
}

/// What the staff web pages keep and read: sessions, sign-in throttles, the audit log, and the
/// lists behind the coverage and risk pages.
public protocol StaffRepository: Sendable {
    // MARK: Sessions
    func createSession(idHash: [UInt8], userID: Int64, csrf: String, now: Int64, expiresAt: Int64) async throws
    /// The session with that id hash (expired or not; the caller decides), with its user.
    func session(idHash: [UInt8]) async throws -> StaffSession?
    func touchSession(idHash: [UInt8], now: Int64, expiresAt: Int64) async throws
    func deleteSession(idHash: [UInt8]) async throws
    /// Deletes expired sessions and sign-in throttles that no longer matter.
    func purgeStaleSessions(now: Int64, throttlesOlderThan: Int64) async throws

    // MARK: Guard sign-in (CONTRACT §11; `GuardSignIn`)
    /// Stores a sign-in link (its secret only as `linkHash`) for a checkpoint.
    func createGuardLink(linkHash: [UInt8], checkpointPlaceID: Int64, createdBy: Int64?, now: Int64, expiresAt: Int64) async throws
    /// Opens the link once, atomically: when it is unused, unexpired and not revoked, marks it used
    /// and stores the session `sessionHash` with it; otherwise says why not and stores nothing.
    func redeemGuardLink(linkHash: [UInt8], sessionHash: [UInt8], now: Int64, sessionExpiresAt: Int64) async throws -> GuardSignIn.Redemption
    /// Stores a session of a guard account that signed in with its password.
    func createGuardSession(sessionHash: [UInt8], checkpointPlaceID: Int64, userName: String, now: Int64, expiresAt: Int64) async throws
    /// The session with that hash if it is live (not expired at `now`, not revoked).
    func guardSession(sessionHash: [UInt8], now: Int64) async throws -> GuardSignIn.Session?
    /// Revokes every unused link and every live session of a checkpoint; returns how many.
    func revokeGuardSignIns(checkpointPlaceID: Int64, now: Int64) async throws -> Int
    /// Ends one session (a guard's "sign out").
    func endGuardSession(sessionHash: [UInt8], now: Int64) async throws

    // MARK: Sign-in throttle (per account)
    func loginThrottle(account: String) async throws -> LoginThrottle
    /// Applies `change` to the stored state in one transaction and returns the new state
    /// (a `.fresh` state is deleted).
    func updateLoginThrottle(account: String, _ change: @escaping @Sendable (LoginThrottle) -> LoginThrottle) async throws -> LoginThrottle

    // MARK: Audit log
    func addAudit(_ entry: AuditEntry) async throws
    /// Newest first; `before` pages on by id.
    func audit(before id: Int64?, limit: Int) async throws -> [AuditEntry]

    // MARK: Lists
    /// `root` and every place below it, parents before children, siblings in import order.
    func places(under root: Place) async throws -> [Place]
    /// Everyone registered at `root` or below it (every person when nil), with colour and last report day.
    func people(under root: Int64?) async throws -> [CoveragePerson]
    /// People at or below `root` (everyone when nil) whose latest flag is not `cleared`, newest first.
    func flaggedPeople(under root: Int64?) async throws -> [FlaggedPerson]
}
