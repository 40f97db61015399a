/// The health state of one person as stored: inputs of the rules and the current code.
public struct HealthRecord: Sendable {
    public var person: PersonRecord
    public var statusVersion: UInt32
    public var color: HealthColor?
    public var reasons: [Reason]
    public var code: StoredCode?
    public var declarations: [Declaration]
    public var flags: [StaffFlag]
    /// Marked by a change over many people at once (a risk change, new rules) and not yet
    /// recomputed: until it is, every code of the person verifies as `superseded`.
    public var stale: Bool

    public init(person: PersonRecord, statusVersion: UInt32, color: HealthColor?, reasons: [Reason], code: StoredCode?,
                declarations: [Declaration], flags: [StaffFlag], stale: Bool = false) {
        self.person = person
        self.stale = stale
        self.statusVersion = statusVersion
        self.color = color
        self.reasons = reasons
        self.code = code
        self.declarations = declarations
        self.flags = flags
    }
}

/// A signed code as kept for its person.
public struct StoredCode: Sendable, Equatable {
    public var payload: String
    public var color: HealthColor
    public var statusVersion: UInt32
    public var issuedAt: Int64
    public var expiresAt: Int64

    public init(payload: String, color: HealthColor, statusVersion: UInt32, issuedAt: Int64, expiresAt: Int64) {
        self.payload = payload
        self.color = color
        self.statusVersion = statusVersion
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// A new colour, status version and code for a person, decided from their record.
public struct HealthUpdate: Sendable, Equatable {
    public var statusVersion: UInt32
    public var color: HealthColor
    public var reasons: [Reason]
    public var code: StoredCode?

    public init(statusVersion: UInt32, color: HealthColor, reasons: [Reason], code: StoredCode?) {
        self.statusVersion = statusVersion
        self.color = color
        self.reasons = reasons
        self.code = code
    }
}

/// Decides the update of a record given the current risk list; nil when nothing changes.
public typealias HealthDecision = @Sendable (HealthRecord, [String: RiskLevel]) throws -> HealthUpdate?

/// One checkpoint scan, for the scan log.
public struct ScanRecord: Sendable {
    public var checkpointID: Int64?
    public var person: PersonRef?
    public var result: String
    public var reason: String
    public var at: Int64

    public init(checkpointID: Int64?, person: PersonRef?, result: String, reason: String, at: Int64) {
        self.checkpointID = checkpointID
        self.person = person
        self.result = result
        self.reason = reason
        self.at = at
    }
}

/// What a scan reads about a person: kind, status, status version, place and name. The status
/// version is one above the stored one while the person is stale, so that no code issued
/// before the change that marked them passes.
public typealias StoredStanding = (kind: PersonKind, status: PersonRecord.Status, statusVersion: UInt32, placeID: Int64, name: String)

/// Health codes, reports, flags, risk regions and scans.
public protocol HealthRepository: Sendable {
    func healthRecord(_ ref: PersonRef) async throws -> HealthRecord?
    /// In one write transaction: reads the person's record and the risk list, asks `decide`, and
    /// stores the update it returns (if any); clears the person's stale mark. Returns the record
    /// as stored afterwards.
    func apply(_ ref: PersonRef, decide: @escaping HealthDecision) async throws -> HealthRecord?
    /// A daily report; `enteredBy` is the staff user who entered it for the person (nil: the person).
    func addReport(_ ref: PersonRef, _ declaration: HealthDeclaration, now: Int64, enteredBy: Int64?) async throws
    func addFlag(_ ref: PersonRef, kind: StaffFlagKind, by userID: Int64?, now: Int64) async throws
    func riskList() async throws -> [String: RiskLevel]
    /// In ONE transaction: sets (or with nil removes) a region's risk level and marks stale
    /// everyone whose declarations of the last `lookbackDays` days name that region, with
    /// statements over the set. From its commit on, every code of those people verifies as
    /// `superseded` until they are recomputed (`apply`, `recomputeStale`). Returns how many people
    /// the change touches.
    func setRisk(region: String, level: RiskLevel?, lookbackDays: Int, now: Int64) async throws -> Int
    /// In ONE transaction: stores `text` as the setting `key` (the rules in force) and, when it
    /// differs from the stored value (or from `defaults` when none is stored), marks every person
    /// stale. Returns how many were marked (0 when the rules did not change).
    func adoptRules(_ text: String, key: String, defaults: String) async throws -> Int
    /// Recomputes up to `limit` stale people in one transaction, each with `decide` exactly as
    /// `apply` does, and clears their marks. Returns how many marks were taken (0: none left).
    func recomputeStale(limit: Int, decide: @escaping HealthDecision) async throws -> Int
    /// How many people are marked stale.
    func staleCount() async throws -> Int
    /// Standing for verification; nil when no person has that reference.
    func standing(_ ref: PersonRef) async throws -> StoredStanding?
    func logScan(_ scan: ScanRecord) async throws
    /// Logs many scans in one transaction.
    func logScans(_ scans: [ScanRecord]) async throws
    /// Deletes scan logs and daily reports older than `before`; returns how many rows went.
    func purge(before: Int64) async throws -> Int

    // MARK: Health cards (CONTRACT §11, `HealthCard`)
    /// In one transaction: revokes the person's cards and stores the new one's hash.
    func issueCard(_ ref: PersonRef, cardHash: [UInt8], by userID: Int64?, now: Int64) async throws
    func card(hash: [UInt8]) async throws -> StoredCard?

    // MARK: Appeals (CONTRACT §11, `AppealRecord`)
    /// Opens an appeal; `AppealError.alreadyOpen` when the person has one open (nothing stored).
    func openAppeal(_ ref: PersonRef, reason: String, now: Int64) async throws -> AppealRecord
    /// The person's appeals, newest first.
    func appeals(of ref: PersonRef) async throws -> [AppealRecord]
    /// Appeals of people registered at one of `placeIDs` (all places when nil), oldest first.
    func appeals(placeIDs: [Int64]?, status: AppealRecord.Status?) async throws -> [AppealListing]
    func appeal(id: Int64) async throws -> AppealRecord?
    /// The person's declarations, oldest first (struck ones included).
    func declarations(of ref: PersonRef) async throws -> [StoredDeclaration]
    /// In ONE transaction: checks that the appeal is open and the declarations are its person's,
    /// strikes them and removes the regions (`correction`, upheld only), stores the decision, and
    /// recomputes the person with `decide` as `apply` does. Throws `AppealError` with nothing stored.
    func decideAppeal(id: Int64, upheld: Bool, reason: String, by userID: Int64?, name: String, correction: AppealCorrection,
                      now: Int64, decide: @escaping HealthDecision) async throws -> (AppealRecord, HealthRecord?)
}

extension HealthRepository {
    /// A report of the person themself.
    public func addReport(_ ref: PersonRef, _ declaration: HealthDeclaration, now: Int64) async throws {
        try await addReport(ref, declaration, now: now, enteredBy: nil)
    }
}
