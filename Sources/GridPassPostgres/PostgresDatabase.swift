import Foundation
import GridPassCore
import Logging
import PostgresNIO
import Synchronization

/// A GridPass database on PostgreSQL (CONTRACT §8): a pool of connections (`PostgresClient`)
/// whose run loop this object owns, migrated to the current schema when opened. Every node and
/// CLI command of a deployment opens the same database; nothing a node needs from another lives
/// outside it.
public final class PostgresDatabase: Sendable {
    public let url: PostgresURL
    /// The pool itself (reached through `client` and `transaction`).
    let pool: PostgresClient
    /// The pool as repositories use it: bounded by the request's deadline (`DatabaseDeadline`).
    let client: BoundedClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// The risk list as this node last read it, with its epoch (`PostgresMigrations.riskEpochV2`):
    /// registrations colour with it and store only while the epoch is current.
    let risks = Mutex<RiskSnapshot?>(nil)
    /// The counts that say whether what this node keeps in memory is still current: the places'
    /// epoch (`PostgresPlaceRepository`) and the newest key id (`PostgresKeyRing`). One small
    /// read shared by every request asking at that moment, each begun after they asked
    /// (`BatchedLookup`), so a change answered anywhere before a request began is seen by it.
    let versions: BatchedLookup<Int, Versions>

    private init(_ url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        var configuration: PostgresClient.Configuration
        switch url.endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: url.username, password: url.password,
                                  database: url.database, tls: .disable)
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: url.username, password: url.password, database: url.database)
        }
        // A node that cannot reach the database answers within seconds, never hangs (§8).
        configuration.options.connectTimeout = .seconds(3)
        // The pool schedules a keep-alive timer each time a connection goes idle; at thousands of
        // queries a second that cost a good part of a node's throughput, and a busy node's
        // queries are its keep-alives. (A minimum of open connections would also spare the idle
        // timers, but postgres-nio 1.33.2 then crashes — a precondition in
        // `createNewDemandConnectionIfPossible` — when the server goes away and the pool falls
        // below its minimum: found by scripts/crash-test-pg. So the minimum stays 0.)
        configuration.options.keepAliveBehavior = nil
        configuration.options.maximumConnections = url.connections
        // The pool's own logger: warnings only past `.error` (it warns when the first query of a
        // command is queued before its run loop has started, which is harmless).
        var background = logger
        background.logLevel = .error
        let pool = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.pool = pool
        let client = BoundedClient(pool: pool)
        self.client = client
        runner = Task { await pool.run() }
        versions = BatchedLookup(maxRunning: 1) { [logger] _ in
            try await client.rows(ReadVersions(binds: PostgresBindings()), logger: logger).first.map { [0: $0] } ?? [:]
        }
    }

    /// Connects and brings the schema up to date (`PostgresMigrations`; several nodes may start
    /// at once: they take turns).
    public static func open(_ url: PostgresURL, logger: Logger = Logger(label: "gridpass.postgres")) async throws -> PostgresDatabase {
        let database = PostgresDatabase(url, logger: logger)
        do {
            try await PostgresMigrations.migrate(database)
        } catch {
            database.close()
            throw error
        }
        return database
    }

    /// Stops the pool; queries after this fail.
    public func close() {
        runner.cancel()
    }

    /// Runs `work` in one transaction on one connection; rolled back if it throws. A transaction
    /// that the server ended as a deadlock victim or a serialization failure runs again (up to
    /// 3 times): nothing of it was stored.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await retryingVictims {
                try await client.bounded { try await pool.withTransaction(logger: logger) { connection in try await work(connection) } }
            }
        } catch let error as PostgresTransactionError {
            // The caller's own error (validation, not found) rather than the wrapper.
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }

    /// Runs `work` (one transaction) again when the server ended it as a deadlock victim or a
    /// serialization failure, up to 3 times in all: nothing of it was stored.
    func retryingVictims<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await work()
            } catch {
                var cause: any Error = error
                if let wrapped = error as? PostgresTransactionError {
                    cause = wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError ?? error
                }
                if attempt < 3, let psql = cause as? PSQLError, let state = psql.serverInfo?[.sqlState], ["40P01", "40001"].contains(state) {
                    continue
                }
                throw error
            }
        }
    }

    /// One write statement, returned from only once it is committed. A statement sent on its own
    /// (an implicit transaction) is committed at the protocol's Sync, AFTER PostgresNIO has
    /// already handed back its CommandComplete: answering then could acknowledge a write that a
    /// crash of the server a moment later undoes (scripts/crash-test-pg caught two such
    /// registrations). So every write runs in BEGIN … COMMIT, whose COMMIT returns when durable.
    func write(_ query: PostgresQuery) async throws {
        try await transaction { connection in _ = try await connection.query(query, logger: logger) }
    }

    /// The same, with the rows the statement returns (`RETURNING`).
    func write<T: Sendable>(_ query: PostgresQuery, _ read: @escaping @Sendable (Cells) throws -> T) async throws -> [T] {
        try await transaction { connection in try await connection.rows(query, logger: logger, read) }
    }

    /// Creates an empty database `name` on the server of `url` (tests: a database of their own).
    public static func createDatabase(_ name: String, on url: PostgresURL, logger: Logger = Logger(label: "gridpass.postgres")) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresURLError("a database name of letters, digits and _ only")
        }
        let admin = PostgresDatabase(url, logger: logger)
        defer { admin.close() }
        try await admin.pool.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'"), logger: logger)
    }
}

extension PostgresDatabase {
    /// Whether `error` says that the server cannot be reached (down, restarting, the connection
    /// lost), as opposed to an error of the query itself.
    public static func isUnreachable(_ error: any Error) -> Bool {
        if error is DatabaseTimeout { return true }
        let unreachable: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed]
        if let error = error as? PSQLError {
            // The server's own word that it is going away or not there yet: class 08 (connection
            // exception), 57P01-57P03 (shut down by the operator, after a crash, starting up).
            if let state = error.serverInfo?[.sqlState], state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
                return true
            }
            return unreachable.contains(error.code)
        }
        // The pool's own errors (e.g. its circuit breaker after failed connection attempts).
        if String(reflecting: type(of: error)).contains("ConnectionPoolError") { return true }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isUnreachable) ?? false }
        }
        return false
    }
}

// MARK: - Copying a data directory in (`gridpass migrate`)

/// One value of a row being copied from SQLite.
public enum CopiedValue: Sendable {
    case null, integer(Int64), real(Double), text(String), blob(Data)
}

extension PostgresDatabase {
    /// The tables that `gridpass migrate` copies, parents before children, with their name in
    /// SQLite when it differs.
    public static let copiedTables: [(postgres: String, sqlite: String)] = [
        ("place", "place"), ("setting", "setting"), ("app_user", "user"), ("person", "person"), ("declaration", "declaration"),
        ("declaration_region", "declaration_region"), ("flag", "flag"), ("risk_region", "risk_region"),
        ("stale_person", "stale_person"), ("scan", "scan"), ("staff_session", "staff_session"),
        ("login_throttle", "login_throttle"), ("audit", "audit"), ("guard_signin", "guard_signin"),
        ("health_card", "health_card"), ("appeal", "appeal"), ("notice", "notice"), ("notice_read", "notice_read"),
        ("problem", "problem"), ("visitor", "visitor"),
    ]

    /// Copies whole tables into this (empty) database in ONE transaction, ids kept (posters and
    /// codes carry place ids, person references and key ids), then moves every identity
    /// sequence past the copied ids. `tables` yields, per table of `copiedTables` (by its
    /// PostgreSQL name), its column names and rows in batches. Returns the rows copied per table.
    public func copyIn(_ tables: [(table: String, columns: [String], batches: AsyncThrowingStream<[[CopiedValue]], any Error>)],
                       keyRing: PostgresKeyRing, keys: [RingKey]) async throws -> [String: Int] {
        try await transaction { connection in
            for table in ["place", "person", "app_user"] {
                let n = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"), logger: logger) { try $0.get(0, as: Int.self) }
                guard n.first == 0 else { throw PostgresRowError("the target database is not empty (\(table) has rows): migrate into an empty database") }
            }
            try await connection.query("DELETE FROM key_ring", logger: logger)
            try await keyRing.insert(keys, connection)
            var counts: [String: Int] = [:]
            for (table, columns, batches) in tables {
                var copied = 0
                for try await batch in batches {
                    var start = 0
                    while start < batch.count {  // at most 65 535 parameters a statement
                        let chunk = batch[start..<min(batch.count, start + max(1, 60_000 / max(1, columns.count)))]
                        var bindings = PostgresBindings(capacity: chunk.count * columns.count)
                        var values: [String] = []
                        for row in chunk {
                            let first = bindings.count
                            values.append("(" + (0..<row.count).map { "$\(first + $0 + 1)" }.joined(separator: ", ") + ")")
                            for value in row {
                                switch value {
                                case .null: bindings.appendNull()
                                case .integer(let v): try bindings.append(v)
                                case .real(let v): try bindings.append(v)
                                case .text(let v): try bindings.append(v)
                                case .blob(let v): try bindings.append(v)
                                }
                            }
                        }
                        try await connection.query(PostgresQuery(
                            unsafeSQL: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + values.joined(separator: ", "),
                            binds: bindings), logger: logger)
                        copied += chunk.count
                        start += chunk.count
                    }
                }
                counts[table] = copied
            }
            for table in ["place", "app_user", "declaration", "flag", "scan", "audit", "guard_signin", "health_card", "appeal", "notice", "problem", "visitor"] {
                try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)
                    """), logger: logger)
            }
            return counts
        }
    }
}

/// See `PostgresDatabase.versions`.
struct Versions: Sendable, Equatable {
    let places: Int64
    let newestKey: Int64
}

/// Reads `Versions` (prepared: asked by nearly every request).
struct ReadVersions: HotStatement {
    typealias Row = Versions
    static let sql = "SELECT (SELECT n FROM place_epoch), (SELECT coalesce(max(id), 0) FROM key_ring)"
    let binds: PostgresBindings
    func decodeRow(_ row: PostgresRow) throws -> Versions {
        let (places, newestKey) = try row.decode((Int64, Int64).self)
        return Versions(places: places, newestKey: newestKey)
    }
}

extension PostgresDatabase {
    /// The current `Versions`: read after this call began, or, inside `perRequest`, after the
    /// request began (once a request: its later reads are of the same moment or newer).
    func currentVersions() async throws -> Versions {
        let memo = Self.requestVersions
        if let known = memo?.value.withLock({ $0 }) { return known }
        guard let versions = try await versions.value(for: 0) else { throw PostgresRowError("place_epoch has no row") }
        memo?.value.withLock { $0 = $0 ?? versions }
        return versions
    }

    /// Runs one request's work: `Versions` is read at most once for all of it (a node's places
    /// and keys are checked once a request, not once a look-up), and with `deadline` no wait for
    /// the database inside it lasts past that moment (`DatabaseDeadline`). A write of this node
    /// that changes places or keys forgets that reading (`forgetRequestVersions`), so the
    /// request's own later reads see its write.
    public static func perRequest<T: Sendable>(deadline: ContinuousClock.Instant? = nil, _ body: () async throws -> T) async rethrows -> T {
        try await $requestVersions.withValue(RequestVersions()) {
            try await DatabaseDeadline.$current.withValue(deadline) { try await body() }
        }
    }

    /// After a write that changed places or keys: the request's next look-up reads them again.
    static func forgetRequestVersions() {
        requestVersions?.value.withLock { $0 = nil }
    }

    @TaskLocal static var requestVersions: RequestVersions?

    final class RequestVersions: Sendable {
        let value = Mutex<Versions?>(nil)
    }
}

/// The risk list at one epoch.
struct RiskSnapshot: Sendable {
    let epoch: Int64
    let list: [String: RiskLevel]
}

extension PostgresDatabase {
    /// Reads `tables` (PostgreSQL name and the columns wanted) from ONE read-only snapshot
    /// (REPEATABLE READ): what `gridpass backup` copies into an SQLite data directory, consistent
    /// across tables while the nodes keep writing. `row` receives each row's values in column order.
    public func copyOut(_ tables: [(table: String, columns: [String])],
                       row: @escaping @Sendable (_ table: String, _ values: [CopiedValue]) throws -> Void) async throws {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            for (table, columns) in tables {
                let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(table) ORDER BY 1"), logger: logger)
                for try await r in rows {
                    var values: [CopiedValue] = []
                    values.reserveCapacity(columns.count)
                    for cell in r {
                        guard cell.bytes != nil else { values.append(.null); continue }
                        switch cell.dataType {
                        case .int2: values.append(.integer(Int64(try cell.decode(Int16.self))))
                        case .int4: values.append(.integer(Int64(try cell.decode(Int32.self))))
                        case .int8: values.append(.integer(try cell.decode(Int64.self)))
                        case .bool: values.append(.integer(try cell.decode(Bool.self) ? 1 : 0))
                        case .float4, .float8, .numeric: values.append(.real(try cell.decode(Double.self)))
                        case .bytea: values.append(.blob(try cell.decode(Data.self)))
                        default: values.append(.text(try cell.decode(String.self)))
                        }
                    }
                    try row(table, values)
                }
            }
        }
    }
}
