import Foundation
import GridPassCore
import GridPassCrypto
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The key ring file (`keyring.json`, mode 0600) of a data directory. Keys are 32 random bytes
/// from OpenSSL's DRBG, each with an id and a purpose; rotation adds a key and never removes one,
/// so what older keys signed still verifies. The file is re-read when another process (a CLI
/// command next to the running server) changes it.
public final class KeyRing: KeyRingStore {
    public struct Entry: Codable, Sendable, Equatable {
        public let id: UInt16
        public let purpose: KeyPurpose
        public let createdAt: Int64
        public let secret: String

        enum CodingKeys: String, CodingKey {
            case id, purpose, secret
            case createdAt = "created_at"
        }
    }

    struct File: Codable {
        var version = 1
        var keys: [Entry]
    }

    /// Identifies one version of the file: every write renames a new file into place, so the
    /// inode changes even when two writes fall in the same coarse mtime tick.
    struct FileVersion: Equatable, Sendable {
        var inode: UInt64 = 0
        var seconds: Int = 0
        var nanoseconds: Int = 0
        var size: Int64 = 0
    }

    private struct State: Sendable {
        var keys: KeySet
        var version: FileVersion
        var checkedAt: UInt64
        /// `changes` when the file was last read.
        var changeCount: UInt64?
    }

    public let path: String
    private let state: Mutex<State>
    /// Counts the writes of the file by any process on the data directory (`rotate`, or a first
    /// opening that adds keys), so that a signer learns of a new key from one atomic load
    /// instead of a `stat` of the file at every signature. Nil: the file is checked every time.
    private let changes: ChangeCounter?

    init(path: String, changes: ChangeCounter? = nil) throws {
        self.path = path
        self.changes = changes
        let count = changes?.current
        let (entries, version) = try Self.withLock(path) {
            var entries = try Self.read(path)
            var changed = false
            for purpose in KeyPurpose.allCases where !entries.contains(where: { $0.purpose == purpose }) {
                entries.append(try Self.newEntry(purpose, after: entries))
                changed = true
            }
            if changed {
                try Self.write(entries, to: path)
                changes?.bump()
            }
            return (entries, Self.version(path))
        }
        state = Mutex(State(keys: try Self.keySet(entries), version: version, checkedAt: Self.now(), changeCount: count))
    }

    /// The keys in force. Checks the file for changes at most once a second, or at once with
    /// `refresh` (signers do, so a key rotated by a CLI command signs from the next code on) —
    /// with a change counter, only when the counter says that the file was written since.
    public func keys(refresh: Bool = false) -> KeySet {
        state.withLock { state in
            let now = Self.now()
            let count = changes?.current
            let signalled = refresh && (count == nil || count != state.changeCount)
            guard signalled || now &- state.checkedAt > 1_000_000_000 else { return state.keys }
            state.checkedAt = now
            state.changeCount = count
            let version = Self.version(path)
            guard version != state.version, let entries = try? Self.read(path), let keys = try? Self.keySet(entries)
            else { return state.keys }
            state.version = version
            state.keys = keys
            return keys
        }
    }

    /// Every key, without secrets, for `gridpass keys list`.
    public func list() -> [(id: UInt16, purpose: KeyPurpose, createdAt: Int64, current: Bool)] {
        let set = keys(refresh: true)
        return set.keys.values.sorted { $0.id < $1.id }.map { key in
            (key.id, key.purpose, key.createdAt, set.current(key.purpose)?.id == key.id)
        }
    }

    /// Adds a new key for each purpose given (all when empty); it signs from now on.
    @discardableResult
    public func rotate(_ purposes: [KeyPurpose]) throws -> [Entry] {
        let purposes = purposes.isEmpty ? KeyPurpose.allCases : purposes
        let (all, added, version) = try Self.withLock(path) {
            var entries = try Self.read(path)
            var added: [Entry] = []
            for purpose in purposes {
                let entry = try Self.newEntry(purpose, after: entries)
                entries.append(entry)
                added.append(entry)
            }
            try Self.write(entries, to: path)
            changes?.bump()
            return (entries, added, Self.version(path))
        }
        let keys = try Self.keySet(all)
        // changeCount nil: the next refresh reads the file once more (another process may have written it since).
        state.withLock { $0 = State(keys: keys, version: version, checkedAt: Self.now(), changeCount: nil) }
        return added
    }

    public func rotateKeys(_ purposes: [KeyPurpose]) async throws -> [UInt16] {
        try rotate(purposes).map(\.id)
    }

    /// Nothing to do: signers read with `keys(refresh: true)`, which checks the change count.
    public func refreshForSigning() async throws {}

    // MARK: - File

    static func newEntry(_ purpose: KeyPurpose, after entries: [Entry]) throws -> Entry {
        let id = (entries.map(\.id).max() ?? 0) + 1
        let secret = try SecureRandom.bytes(32)
        return Entry(id: id, purpose: purpose, createdAt: Int64(Date().timeIntervalSince1970),
                     secret: Data(secret).base64EncodedString())
    }

    static func keySet(_ entries: [Entry]) throws -> KeySet {
        KeySet(try entries.map { entry in
            guard let secret = Data(base64Encoded: entry.secret), secret.count == 32 else {
                throw KeyRingError("key \(entry.id) in the key ring is damaged (not 32 bytes of base64)")
            }
            return try RingKey(id: entry.id, purpose: entry.purpose, createdAt: entry.createdAt, secret: Array(secret))
        })
    }

    static func read(_ path: String) throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if data.isEmpty { return [] }
        do {
            return try JSONDecoder().decode(File.self, from: data).keys
        } catch {
            throw KeyRingError("the key ring \(path) cannot be read: \(error)")
        }
    }

    /// Writes the key ring file at `path` holding exactly `keys` (a backup of a PostgreSQL
    /// deployment's ring into a data directory).
    public static func write(_ keys: [RingKey], to path: String) throws {
        try write(keys.sorted { $0.id < $1.id }.map {
            Entry(id: $0.id, purpose: $0.purpose, createdAt: $0.createdAt, secret: Data($0.secret).base64EncodedString())
        }, to: path)
    }

    /// Writes a new file (0600) and renames it over the old one, so readers never see half a ring.
    static func write(_ entries: [Entry], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(keys: entries))
        let temp = path + ".tmp"
        let fd = open(temp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyRingError("cannot write \(temp): errno \(errno)") }
        let ok = data.withUnsafeBytes { buf in Glibc.write(fd, buf.baseAddress, buf.count) == buf.count }
        let synced = fsync(fd) == 0
        close(fd)
        guard ok, synced, rename(temp, path) == 0 else { throw KeyRingError("cannot write \(path): errno \(errno)") }
    }

    /// Serialises writers of the ring across processes with an advisory lock file.
    static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyRingError("cannot open \(path).lock: errno \(errno)") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw KeyRingError("cannot lock \(path).lock: errno \(errno)") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    static func version(_ path: String) -> FileVersion {
        var st = stat()
        guard stat(path, &st) == 0 else { return FileVersion() }
        return FileVersion(inode: UInt64(st.st_ino), seconds: st.st_mtim.tv_sec, nanoseconds: st.st_mtim.tv_nsec, size: Int64(st.st_size))
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

