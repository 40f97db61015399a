/// A person as stored: what handlers may show. Identity number and phone stay encrypted in the
/// store and are only decrypted by `PersonRepository.contact(of:)`.
public struct PersonRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case active, pending, rejected
    }

    /// The public id (`person_id`), also the opaque reference inside health codes.
    public let ref: PersonRef
    public var kind: PersonKind
    public var status: Status
    public var placeID: Int64
    public var name: String
    public var room: String?
    public var department: String?
    /// The secret of the personal page (`me_url`).
    public var meToken: String
    public var reviewReason: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public var id: String { ref.hex }

    public init(ref: PersonRef, kind: PersonKind, status: Status, placeID: Int64, name: String, room: String?,
                department: String?, meToken: String, reviewReason: String?, createdAt: Int64, updatedAt: Int64) {
        self.ref = ref
        self.kind = kind
        self.status = status
        self.placeID = placeID
        self.name = name
        self.room = room
        self.department = department
        self.meToken = meToken
        self.reviewReason = reviewReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A validated registration, ready to store.
public struct RegistrationData: Sendable, Equatable {
    public var placeID: Int64
    public var kind: PersonKind
    public var name: String
    /// Normalised identity number (encrypted at rest; its HMAC is the lookup key).
    public var idNumber: String
    public var phone: String
    public var room: String?
    public var department: String?
    public var declaration: HealthDeclaration

    public init(placeID: Int64, kind: PersonKind, name: String, idNumber: String, phone: String, room: String?,
                department: String?, declaration: HealthDeclaration) {
        self.placeID = placeID
        self.kind = kind
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.room = room
        self.department = department
        self.declaration = declaration
    }
}

/// A re-registration that may not update the stored record.
public enum RegistrationConflict: Error, Equatable {
    /// The identity number is registered at this place with another phone.
    case phoneMismatch
}

/// People, their declarations and the review of workers.
public protocol PersonRepository: Sendable {
    /// Creates the person, or updates the one with the same identity number at the same place.
    /// Returns the record and whether it was created. Committed before it returns. Throws
    /// `RegistrationConflict.phoneMismatch` when the stored phone differs (nothing is written).
    /// `decide` colours the person in the same transaction (see `HealthRepository.apply`).
    func register(_ registration: RegistrationData, now: Int64, decide: @escaping HealthDecision) async throws
        -> (person: PersonRecord, health: HealthRecord?, created: Bool)
    func person(id: String) async throws -> PersonRecord?
    func person(meToken: String) async throws -> PersonRecord?
    /// Pending workers of an enterprise (all enterprises when nil), oldest first.
    func pendingWorkers(enterpriseID: Int64?) async throws -> [PersonRecord]
    /// Approves or rejects a pending (or earlier rejected) worker.
    func review(personID: String, approve: Bool, reason: String?, now: Int64) async throws -> PersonRecord
    /// The decrypted identity number and phone.
    func contact(of personID: String) async throws -> (idNumber: String, phone: String)?
    func count() async throws -> Int

    // MARK: The person's data (CONTRACT §12)
    /// The scans of the person's codes, oldest first.
    func scans(of ref: PersonRef) async throws -> [ScanRecord]
    /// The person's printed health cards, oldest first.
    func cards(of ref: PersonRef) async throws -> [StoredCard]
    /// Deletes the person in ONE transaction: their row and with it their encrypted fields, blind
    /// index, declarations, flags, cards, appeals, notice reads and visitors; their problem
    /// reports and scan-log lines lose the reference to them; audit entries about them keep
    /// only who did what when (target `person:deleted`). Returns false when there is no such person.
    func delete(_ ref: PersonRef) async throws -> Bool
}

extension PersonRepository {
    /// Registers without colouring (the caller refreshes the code afterwards).
    public func register(_ registration: RegistrationData, now: Int64) async throws -> (PersonRecord, created: Bool) {
        let result = try await register(registration, now: now, decide: { _, _ in nil })
        return (result.person, result.created)
    }
}

/// Staff, HR, guards and admins.
public struct UserRecord: Sendable, Equatable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case admin, staff, hr, guard_ = "guard"
    }

    public let id: Int64
    public var name: String
    public var role: Role
    /// The place the user's rights are limited to (nil for admins).
    public var scopePlaceID: Int64?
    public var passwordHash: String?

    public init(id: Int64, name: String, role: Role, scopePlaceID: Int64?, passwordHash: String?) {
        self.id = id
        self.name = name
        self.role = role
        self.scopePlaceID = scopePlaceID
        self.passwordHash = passwordHash
    }
}

public protocol UserRepository: Sendable {
    /// Creates a user with the SHA-256 hash of its API token. Fails if the name is taken.
    func addUser(name: String, role: UserRecord.Role, scopePlaceID: Int64?, passwordHash: String?, tokenHash: [UInt8]) async throws -> UserRecord
    func user(tokenHash: [UInt8]) async throws -> UserRecord?
    func user(name: String) async throws -> UserRecord?
}
