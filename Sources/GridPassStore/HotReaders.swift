import GRDB
import GRDBSQLite
import Synchronization

/// A few read-only connections for the synchronous hot path of checkpoint scans.
///
/// A scan reads one row. Going through the pool's asynchronous `read` (a hop to a reader queue
/// and back) or sharing one connection between threads (a `DispatchQueue.sync` that blocks and
/// wakes threads whenever two scans meet) costs several times the read itself. Here a caller
/// takes a connection nobody is using — a compare-and-swap on a bit mask, no waiting — and reads
/// on its own thread; the queue's `sync` is then uncontended and runs in place. Only when every
/// connection is busy does a caller wait for one (never for the writer: WAL readers do not block).
///
/// `row(_:blob:_:)` steps GRDB's cached statement with SQLite's C API itself: GRDB's arguments
/// and rows cost a scan more than SQLite's own work (`gridpass bench read`: 7.3 µs a read with
/// `Row`, 5.2 µs like this). This file is the only place that calls SQLite directly.
final class HotReaders: Sendable {
    private let connections: [DatabaseQueue]
    /// Bit i set: connection i is in use.
    private let busy = Atomic<UInt64>(0)

    init(path: String, count: Int) throws {
        precondition(count >= 1 && count <= 64)
        var config = Configuration()
        config.readonly = true
        config.label = "hot-reader"
        connections = try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: config) }
    }

    /// The first row of `sql`, whose one parameter is the blob `key`, as `read` makes it; nil when
    /// there is none. The statement runs in autocommit mode: it sees everything committed
    /// before it, by this process or another.
    func row<T>(_ sql: String, blob key: [UInt8], _ read: (HotRow) -> T) throws -> T? {
        try withConnection { db in
            let statement = try db.cachedStatement(sql: sql)
            let s = statement.sqliteStatement
            return try key.withUnsafeBytes { key -> T? in
                // SQLITE_STATIC (nil): the key outlives the step; it is unbound by the reset below.
                defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
                sqlite3_reset(s)
                var code = sqlite3_bind_blob(s, 1, key.baseAddress, Int32(key.count), nil)
                guard code == SQLITE_OK else { throw DatabaseError(resultCode: .init(rawValue: code), sql: sql) }
                code = sqlite3_step(s)
                switch code {
                case SQLITE_ROW: return read(HotRow(statement: s))
                case SQLITE_DONE: return nil
                default: throw DatabaseError(resultCode: .init(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
                }
            }
        }
    }

    private func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        guard let slot = claim() else {
            return try connections[0].inDatabase(body)  // all busy: wait for the first one
        }
        defer { release(slot) }
        return try connections[slot].inDatabase(body)
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
