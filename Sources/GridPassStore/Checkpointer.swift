import GRDB

/// Copies committed pages from the write-ahead log into the database file, on a connection of
/// its own, beside the writer rather than inside its commits (see
/// `DataDirectory.openDatabase(backgroundCheckpoints:)`). A passive checkpoint never waits for
/// readers or the writer: it copies what it can, and the writer starts the log over once
/// everything has been copied. Durability is unchanged: commits are flushed to the log first
/// (synchronous = FULL), and a checkpoint flushes the database file before the log may be reused.
public final class Checkpointer: Sendable {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var config = Configuration()
        config.label = "checkpointer"
        connection = try DatabaseQueue(path: path, configuration: config)
        try connection.inDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }

    /// Pages still in the log after this checkpoint, and pages copied. Runs on the
    /// connection's own queue (it writes and flushes files), not on the caller's thread.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copied: Int) {
        try await connection.writeWithoutTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return (0, 0) }
            let log: Int = row[1], copied: Int = row[2]
            return (max(log - copied, 0), max(copied, 0))
        }
    }
}
