import Foundation
import GRDB
import GridPassCrypto
#if canImport(Glibc)
import Glibc
#endif

/// `gridpass backup` and `gridpass restore` of a data directory (CONTRACT §9).
///
/// The database is copied with SQLite's online backup (through GRDB) from one read transaction:
/// a consistent snapshot while the server keeps running, holding every write committed before
/// the backup began — and a registration is acknowledged only after its commit. The key ring is
/// read after that snapshot (keys are only ever added, so it holds every key the snapshot uses).
/// Both go into one file: `GRIDPASS-BACKUP 1\n` and an AES-256-GCM box (sealed under the key of
/// `--key-file`, the header bound to it) of the two files, each as a name and a length.
public enum Backup {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static let header = Array("GRIDPASS-BACKUP 1\n".utf8)
    static let databaseName = "gridpass.sqlite", keyRingName = "keyring.json"

    /// Writes the backup of `directory` to `out` (mode 0600); returns its size in bytes.
    @discardableResult
    public static func write(_ directory: DataDirectory, to out: String, keyFile: String) throws -> Int {
        let key = try KeyFile.load(keyFile)
        let source = try directory.openDatabase()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gridpass-backup-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        try DataDirectory.createPrivateFile(scratch)
        let copy = try DatabaseQueue(path: scratch)
        try source.backup(to: copy)
        try copy.close()
        try source.close()
        let database = try Array(Data(contentsOf: URL(fileURLWithPath: scratch)))
        let keyRing = try Array(Data(contentsOf: URL(fileURLWithPath: directory.keyRingPath)))
        var plain: [UInt8] = []
        plain.reserveCapacity(database.count + keyRing.count + 64)
        for (name, bytes) in [(databaseName, database), (keyRingName, keyRing)] {
            let n = Array(name.utf8)
            plain += [UInt8(n.count)] + n
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { plain += $0 }
            plain += bytes
        }
        let sealed = header + (try AES256GCM(key: key).seal(plain, associatedData: header))
        try writePrivate(sealed, to: out)
        return sealed.count
    }

    /// Restores the backup `file` into `path`, which must not exist or be empty; opens the result
    /// once (migrating it to this version's schema). Returns the directory.
    @discardableResult
    public static func restore(_ file: String, keyFile: String, into path: String) throws -> DataDirectory {
        let url = URL(fileURLWithPath: path)
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: url.path), !existing.isEmpty {
            throw Failure("--data \(path) is not empty: restore into a new directory")
        }
        guard FileManager.default.fileExists(atPath: keyFile) else { throw Failure("--key-file \(keyFile) does not exist") }
        let key = try KeyFile.load(keyFile)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        guard bytes.starts(with: header) else { throw Failure("\(file) is not a GridPass backup") }
        let plain: [UInt8]
        do { plain = try AES256GCM(key: key).open(Array(bytes.dropFirst(header.count)), associatedData: header) } catch {
            throw Failure("\(file) does not open with the key of \(keyFile) (another key, or a damaged file)")
        }
        var files: [String: [UInt8]] = [:]
        var i = 0
        while i < plain.count {
            let n = Int(plain[i]); i += 1
            guard i + n + 8 <= plain.count else { throw Failure("\(file) is damaged") }
            let name = String(decoding: plain[i..<i + n], as: UTF8.self); i += n
            let length = plain[i..<i + 8].reduce(0) { $0 << 8 | Int($1) }; i += 8
            guard length >= 0, i + length <= plain.count else { throw Failure("\(file) is damaged") }
            files[name] = Array(plain[i..<i + length]); i += length
        }
        guard let database = files[databaseName], let keyRing = files[keyRingName] else { throw Failure("\(file) lacks the database or the key ring") }
        let directory = try DataDirectory(path: path)
        try writePrivate(database, to: directory.databasePath)
        try writePrivate(keyRing, to: directory.keyRingPath)
        let pool = try directory.openDatabase()  // checks it and brings its schema up to date
        try pool.close()
        return directory
    }

    /// Writes a new file with mode 0600, flushed.
    static func writePrivate(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
        guard fsync(fd) == 0 else { throw Failure("cannot flush \(path)") }
    }
}
