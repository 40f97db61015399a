import Foundation
import GridPassCore
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The data directory (CONTRACT §1): the SQLite database and the key ring, created on first use
/// with owner-only permissions (directory 0700, files 0600).
public struct DataDirectory: Sendable {
    public let url: URL
    public var databasePath: String { url.appendingPathComponent("gridpass.sqlite").path }
    public var keyRingPath: String { url.appendingPathComponent("keyring.json").path }
    /// The counts of changes shared by the processes on this directory (`ChangeCounter`).
    var changesPath: String { Self.changesPath(of: databasePath) }

    static func changesPath(of databasePath: String) -> String { databasePath + "-changes" }

    public init(path: String) throws {
        // New files of this process are private whatever the caller's umask.
        umask(0o077)
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
    }

    /// Opens (creating if needed, mode 0600) the database and runs the migrations.
    public func openDatabase() throws -> DatabasePool {
        try Self.createPrivateFile(databasePath)
        var config = Configuration()
        config.busyMode = .timeout(10)  // CLI commands and the server may write at the same time
        if (try? FileManager.default.attributesOfItem(atPath: databasePath)[.size] as? Int) == 0 {
            // A new database gets pages of `pageSize` bytes (fixed from its first write on).
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
        }
        let pool = try DatabasePool(path: databasePath, configuration: config)
        // Opening a pool switches the writer to WAL with synchronous = NORMAL, which does not
        // flush commits; acknowledged registrations must survive a power cut, so flush each one.
        try pool.writeWithoutTransaction { db in
            // The writer copies the log back into the database file (a checkpoint, inside a
            // commit) every `checkpointPages` pages instead of SQLite's 1000: pages that several
            // commits rewrote are copied once, for a log of at most ~8 MB (2 KiB pages).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted rows are overwritten with zeros, not left in free pages: a deleted person's
            // blind index and ciphertexts leave the file (CONTRACT §12).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                throw DatabaseError(message: "SQLite refused synchronous = FULL")
            }
        }
        try Migrations.migrator.migrate(pool)
        return pool
    }

    static let checkpointPages = 4_000

    /// Bytes per database page of a new database, instead of SQLite's 4096. A registration
    /// changes one page at a random place of the `(place_id, id_index)` index and a few pages at
    /// the end of the time-ordered ones; every changed page is written whole to the log, copied
    /// back at the checkpoint and checksummed: with 2 KiB pages those writes are half the bytes
    /// (registrations over HTTP +10 % in alternating runs; 1 KiB was slower than 2 KiB, the trees
    /// deeper). A database keeps the page size it was created with.
    static let pageSize = 2048

    /// Opens the key ring, creating a key of every purpose that has none.
    public func openKeyRing() throws -> KeyRing {
        try KeyRing(path: keyRingPath, changes: try ChangeCounter(path: changesPath, slot: .keys))
    }

    /// Creates an empty file with mode 0600 if none exists; tightens the mode of an existing one.
    static func createPrivateFile(_ path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        fchmod(fd, 0o600)
        close(fd)
    }
}
