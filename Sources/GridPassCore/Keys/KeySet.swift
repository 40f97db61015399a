import GridPassCrypto

/// What a key of the key ring is for. Keys of one purpose never serve another.
public enum KeyPurpose: String, Sendable, CaseIterable, Codable {
    case posterTokens = "poster-tokens"
    case healthCodes = "health-codes"
    case dataEncryption = "data-encryption"
}

/// One 32-byte secret of the key ring, with a MAC context ready for use.
public struct RingKey: Sendable {
    public let id: UInt16
    public let purpose: KeyPurpose
    public let createdAt: Int64
    public let secret: [UInt8]
    public let mac: HMACSHA256

    public init(id: UInt16, purpose: KeyPurpose, createdAt: Int64, secret: [UInt8]) throws {
        self.id = id
        self.purpose = purpose
        self.createdAt = createdAt
        self.secret = secret
        self.mac = try HMACSHA256(key: secret)
    }
}

/// The keys in memory: every key by id (old ones stay for verification) and, per purpose, the
/// newest one, which signs.
public struct KeySet: Sendable {
    public let keys: [UInt16: RingKey]

    public init(_ keys: [RingKey]) {
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The key that signs new tokens of `purpose` (the newest).
    public func current(_ purpose: KeyPurpose) -> RingKey? {
        keys.values.filter { $0.purpose == purpose }.max { $0.id < $1.id }
    }

    /// The id of the newest key of any purpose, 0 when there is none: keys are only ever added,
    /// so a store holding a higher id has been rotated since this set was read.
    public var newestID: UInt16 { keys.keys.max() ?? 0 }

    /// The oldest key of `purpose`: stable for the life of the data directory.
    public func first(_ purpose: KeyPurpose) -> RingKey? {
        keys.values.filter { $0.purpose == purpose }.min { $0.id < $1.id }
    }

    /// A key by id, only if it has the given purpose.
    public func key(id: UInt16, purpose: KeyPurpose) -> RingKey? {
        guard let key = keys[id], key.purpose == purpose else { return nil }
        return key
    }
}

/// Where the keys in force come from: the key ring file of a data directory (SQLite) or the
/// sealed rows of the database (PostgreSQL). `refresh` asks for another process's rotation to be
/// seen now (signers ask).
public protocol KeySource: Sendable {
    func keys(refresh: Bool) -> KeySet
}

extension KeySource {
    /// The keys in force as last read.
    public func keys() -> KeySet { keys(refresh: false) }

    /// A key by id for verifying; looks again once if the id is not known yet (a rotation by
    /// another process a moment ago).
    public func key(id: UInt16, purpose: KeyPurpose) -> RingKey? {
        keys(refresh: false).key(id: id, purpose: purpose) ?? keys(refresh: true).key(id: id, purpose: purpose)
    }
}

public struct KeyRingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A key ring that can be listed and rotated (`gridpass keys`): the file of a data directory or
/// the sealed rows of a PostgreSQL database.
public protocol KeyRingStore: KeySource {
    /// Every key, without secrets.
    func list() -> [(id: UInt16, purpose: KeyPurpose, createdAt: Int64, current: Bool)]
    /// Adds a new key for each purpose given (all when empty); returns their ids.
    func rotateKeys(_ purposes: [KeyPurpose]) async throws -> [UInt16]
    /// Makes a rotation by another process or node count before the next signature.
    func refreshForSigning() async throws
}
