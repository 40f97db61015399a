import GRDB
import GRDBSQLite
import Synchronization

/// A few read-only SQLite connections for the synchronous hot path of checkpoint and poster
/// scans: one statement each, on the caller's thread.
///
/// A scan reads one row. Going through GRDB's pool (a hop to a reader queue and back), or a
/// shared `DatabaseQueue` (a `DispatchQueue.sync` that blocks and wakes threads whenever two
/// scans meet), or even GRDB's statements and rows, cost several times SQLite's own work. Here
/// a caller takes a connection nobody is using — a compare-and-swap on a bit mask — and steps
/// a prepared statement itself (`gridpass bench read`: 7.3 µs a read through a GRDB queue and
/// `Row`, 5.2 µs through a queue stepped by hand, less without the queue). When every
/// connection is busy, a caller opens one for its read. WAL readers never wait for the writer.
///
/// This file is the only place that calls SQLite's C API; everything else goes through GRDB.
final class HotReaders: @unchecked Sendable {
    /// One connection and its prepared statements; used by one thread at a time (the claim).
    private final class Connection {
        let db: OpaquePointer
        var statements: [String: OpaquePointer] = [:]

        init(path: String) throws {
            var handle: OpaquePointer?
            let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard code == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite3_errmsg($0)) }
                sqlite3_close_v2(handle)
                throw DatabaseError(resultCode: .init(rawValue: code), message: message)
            }
            db = handle
            sqlite3_busy_timeout(db, 5_000)  // only WAL recovery by another connection makes a reader wait
            // Read the database file through a memory map: a scan's pages then come straight from
            // the kernel's page cache, instead of a pread into a private cache of 2 MB that the
            // person table of a few thousand people already overflows.
            sqlite3_exec(db, "PRAGMA mmap_size = \(HotReaders.mmapBytes)", nil, nil, nil)
        }

        func statement(_ sql: String) throws -> OpaquePointer {
            if let prepared = statements[sql] { return prepared }
            var statement: OpaquePointer?
            let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard code == SQLITE_OK, let statement else { throw error(code, sql) }
            statements[sql] = statement
            return statement
        }

        func error(_ code: Int32, _ sql: String) -> DatabaseError {
            DatabaseError(resultCode: .init(rawValue: code), message: String(cString: sqlite3_errmsg(db)), sql: sql)
        }

        deinit {
            for statement in statements.values { sqlite3_finalize(statement) }
            sqlite3_close_v2(db)
        }
    }

    /// Bytes of the database file each connection maps (address space, not memory).
    static let mmapBytes = 1 << 30

    private let path: String
    private let connections: [Connection]
    /// Bit i set: connection i is in use.
    private let busy = Atomic<UInt64>(0)

    /// `count` connections: more than the threads that read at once (Swift's cooperative pool
    /// has one a core), so that a caller practically always finds one free.
    init(path: String, count: Int) throws {
        precondition(count >= 1 && count <= 64)
        self.path = path
        connections = try (0..<count).map { _ in try Connection(path: path) }
    }

    /// The first row of `sql`, whose one parameter is the blob `key`, as `read` makes it; nil when
    /// there is none. The statement runs in autocommit mode: it sees everything committed
    /// before it, by this process or another.
    func row<T>(_ sql: String, blob key: [UInt8], _ read: (HotRow) -> T) throws -> T? {
        try key.withUnsafeBytes { key in
            // SQLITE_STATIC (nil): the key outlives the step; the binding is cleared after it.
            try row(sql, bind: { sqlite3_bind_blob($0, 1, key.baseAddress, Int32(key.count), nil) }, read)
        }
    }

    /// The same with an integer parameter.
    func row<T>(_ sql: String, int64 key: Int64, _ read: (HotRow) -> T) throws -> T? {
        try row(sql, bind: { sqlite3_bind_int64($0, 1, key) }, read)
    }

    private func row<T>(_ sql: String, bind: (OpaquePointer) -> Int32, _ read: (HotRow) -> T) throws -> T? {
        try withConnection { connection in
            let s = try connection.statement(sql)
            defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
            var code = bind(s)
            guard code == SQLITE_OK else { throw connection.error(code, sql) }
            code = sqlite3_step(s)
            switch code {
            case SQLITE_ROW: return read(HotRow(statement: s))
            case SQLITE_DONE: return nil
            default: throw connection.error(code, sql)
            }
        }
    }

    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        guard let slot = claim() else {
            return try body(try Connection(path: path))  // all busy (rare): a connection for this read only
        }
        defer { release(slot) }
        return try body(connections[slot])
    }

    private func claim() -> Int? {
        let all: UInt64 = connections.count == 64 ? ~0 : (1 << UInt64(connections.count)) - 1
        var current = busy.load(ordering: .relaxed)
        while true {
            let free = ~current & all
            guard free != 0 else { return nil }
            let slot = free.trailingZeroBitCount
            let (exchanged, original) = busy.compareExchange(expected: current, desired: current | (1 << UInt64(slot)),
                                                             ordering: .acquiring)
            if exchanged { return slot }
            current = original
        }
    }

    private func release(_ slot: Int) {
        busy.bitwiseAnd(~(UInt64(1) << UInt64(slot)), ordering: .releasing)
    }
}

/// The current row of a statement being stepped (valid only inside `HotReaders.row`'s closure).
struct HotRow {
    fileprivate let statement: OpaquePointer

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column as text; "" for NULL.
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }
}
