import Foundation
import GridPassCore
import GridPassCrypto
import PostgresNIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The key ring of a PostgreSQL deployment (CONTRACT §8): rows of `key_ring`, each 32-byte key
/// sealed with AES-256-GCM under the master key of `--master-key-file` (bound to the key's id and
/// purpose), so that a dump of the database alone reveals no signing or encryption key. Every
/// node and command of the deployment uses the same master key file. Rotation adds a key and
/// never removes one, as with the key ring file of a data directory.
///
/// `keys(refresh:)` answers from memory; `reload()` reads the rows again (a rotation by another
/// node or command): signers call `refreshForSigning` before each signature, which reloads when
/// the database holds a newer key than this node.
public final class PostgresKeyRing: KeyRingStore {
    let database: PostgresDatabase
    private let master: AES256GCM
    private let state: Mutex<KeySet>

    private init(_ database: PostgresDatabase, master: AES256GCM, keys: KeySet) {
        self.database = database
        self.master = master
        self.state = Mutex(keys)
    }

    /// Opens the key ring, reading (or creating, 0600, with a fresh key) the master key file and
    /// adding a key of every purpose that has none.
    public static func open(_ database: PostgresDatabase, masterKeyFile: String) async throws -> PostgresKeyRing {
        let master = try AES256GCM(key: try masterKey(at: masterKeyFile))
        let ring = PostgresKeyRing(database, master: master, keys: KeySet([]))
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey + 2))", logger: database.logger)
            var keys = try await ring.read(connection)
            for purpose in KeyPurpose.allCases where keys.current(purpose) == nil {
                try await ring.add(purpose, connection)
                keys = try await ring.read(connection)
            }
            ring.state.withLock { $0 = keys }
        }
        return ring
    }

    public func keys(refresh: Bool = false) -> KeySet {
        state.withLock { $0 }
    }

    /// Reads the rows again: a key rotated by another node or command is used from now on.
    public func reload() async throws {
        let keys = try await database.transaction { connection in try await read(connection) }
        state.withLock { $0 = keys }
    }

    /// Adds a new key for each purpose given (all when empty); it signs from now on, on this
    /// node at once and on the others at their next `reload()`. Returns the new keys' ids.
    @discardableResult
    public func rotate(_ purposes: [KeyPurpose]) async throws -> [UInt16] {
        let purposes = purposes.isEmpty ? KeyPurpose.allCases : purposes
        let (added, keys) = try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey + 2))", logger: database.logger)
            var added: [UInt16] = []
            for purpose in purposes { added.append(try await add(purpose, connection)) }
            return (added, try await read(connection))
        }
        state.withLock { $0 = keys }
        PostgresDatabase.forgetRequestVersions()
        return added
    }

    public func rotateKeys(_ purposes: [KeyPurpose]) async throws -> [UInt16] {
        try await rotate(purposes)
    }

    /// Keys are only ever added, so the newest id tells whether another node or command has
    /// rotated: one small read (shared by the signers waiting at the same moment, each begun
    /// after they asked), and the sealed rows only when it has.
    public func refreshForSigning() async throws {
        let known = Int64(keys().newestID)
        if try await database.currentVersions().newestKey != known { try await reload() }
    }

    /// Every key, without secrets, for `gridpass keys list`.
    public func list() -> [(id: UInt16, purpose: KeyPurpose, createdAt: Int64, current: Bool)] {
        let set = keys()
        return set.keys.values.sorted { $0.id < $1.id }.map { key in
            (key.id, key.purpose, key.createdAt, set.current(key.purpose)?.id == key.id)
        }
    }

    // MARK: - Rows

    /// What the seal of key `id` is bound to: moving a sealed key to another id or purpose fails.
    static func context(_ id: UInt16, _ purpose: KeyPurpose) -> [UInt8] {
        Array("gridpass/key-ring/v1/\(id)/\(purpose.rawValue)".utf8)
    }

    func read(_ connection: PostgresConnection) async throws -> KeySet {
        let rows = try await connection.rows("SELECT id, purpose, created_at, sealed FROM key_ring ORDER BY id",
                                             logger: database.logger) { c in
            (try c.get(0, as: Int.self), try c.get(1, as: String.self), try c.get(2, as: Int64.self), try c.get(3, as: Data.self))
        }
        return KeySet(try rows.map { id, purposeText, createdAt, sealed in
            guard let id = UInt16(exactly: id), let purpose = KeyPurpose(rawValue: purposeText) else {
                throw KeyRingError("key \(id) of the database's key ring has an unknown purpose '\(purposeText)'")
            }
            let secret: [UInt8]
            do {
                secret = try master.open(Array(sealed), associatedData: Self.context(id, purpose))
            } catch {
                throw KeyRingError("key \(id) of the database's key ring does not open with this master key "
                                   + "(--master-key-file must be the deployment's own)")
            }
            return try RingKey(id: id, purpose: purpose, createdAt: createdAt, secret: secret)
        })
    }

    @discardableResult
    func add(_ purpose: KeyPurpose, _ connection: PostgresConnection) async throws -> UInt16 {
        let next = try await connection.rows("SELECT COALESCE(MAX(id), 0) + 1 FROM key_ring", logger: database.logger) {
            try $0.get(0, as: Int.self)
        }.first ?? 1
        guard let id = UInt16(exactly: next) else { throw KeyRingError("the key ring is full") }
        let sealed = try master.seal(try SecureRandom.bytes(32), associatedData: Self.context(id, purpose))
        try await connection.query("""
            INSERT INTO key_ring (id, purpose, created_at, sealed)
            VALUES (\(Int(id)), \(purpose.rawValue), \(Int64(Date().timeIntervalSince1970)), \(Data(sealed)))
            """, logger: database.logger)
        return id
    }

    /// Stores `keys` as they are (ids kept: what they signed keeps verifying), sealed under this
    /// ring's master key (`gridpass migrate`, inside its transaction), and uses them.
    func insert(_ keys: [RingKey], _ connection: PostgresConnection) async throws {
        for key in keys {
            let sealed = try master.seal(key.secret, associatedData: Self.context(key.id, key.purpose))
            try await connection.query("""
                INSERT INTO key_ring (id, purpose, created_at, sealed)
                VALUES (\(Int(key.id)), \(key.purpose.rawValue), \(key.createdAt), \(Data(sealed)))
                """, logger: database.logger)
        }
        let set = KeySet(keys)
        state.withLock { $0 = set }
    }

    // MARK: - The master key file

    /// The 32-byte master key in `path` (base64, one line), created with a fresh key and mode
    /// 0600 when the file does not exist (`KeyFile`).
    static func masterKey(at path: String) throws -> [UInt8] {
        do { return try KeyFile.load(path) } catch let failure as KeyFile.Failure {
            throw KeyRingError(failure.description.replacingOccurrences(of: "the key file", with: "the master key file"))
        }
    }
}
