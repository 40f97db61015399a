import Foundation
import GRDB
import GridPassCore
import GridPassPostgres
import GridPassStore
import Synchronization

/// `gridpass migrate` (CONTRACT §8): copies an SQLite data directory into an empty PostgreSQL
/// database in one transaction — every table with its ids, and the key ring re-sealed under the
/// master key — so that every poster and health code issued before the move keeps working.
public enum StoreMigration {
    static let batchSize = 5_000

    /// What was copied: per table, rows copied and rows in the source; and the keys.
    public struct Report: Sendable {
        public let tables: [(table: String, copied: Int, source: Int)]
        public let keys: Int
        public var complete: Bool { tables.allSatisfy { $0.copied == $0.source } }
    }

    public static func copy(fromData path: String, to url: PostgresURL, masterKeyFile: String) async throws -> Report {
        let data = try DataDirectory(path: path)
        let pool = try data.openDatabase()
        let keys = Array(try data.openKeyRing().keys(refresh: true).keys.values).sorted { $0.id < $1.id }
        let database = try await PostgresDatabase.open(url)
        defer { database.close() }
        let ring = try await PostgresKeyRing.open(database, masterKeyFile: masterKeyFile)
        var tables: [(table: String, columns: [String], batches: AsyncThrowingStream<[[CopiedValue]], any Error>)] = []
        for (table, source) in PostgresDatabase.copiedTables {
            let columns = try await pool.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(\(source))").map { $0["name"] as String } }
            let select = "SELECT \(columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \"\(source)\" LIMIT ? OFFSET ?"
            let offset = Mutex(0)
            let batches = AsyncThrowingStream<[[CopiedValue]], any Error> {
                let from = offset.withLock { $0 }
                let rows = try await pool.read { db in
                    try Row.fetchAll(db, sql: select, arguments: [batchSize, from]).map { row in row.databaseValues.map(copied) }
                }
                offset.withLock { $0 += rows.count }
                return rows.isEmpty ? nil : rows
            }
            tables.append((table, columns, batches))
        }
        let counts = try await database.copyIn(tables, keyRing: ring, keys: keys)
        let sources = try await pool.read { db in
            try PostgresDatabase.copiedTables.map { ($0.postgres, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\($0.sqlite)\"") ?? 0) }
        }
        return Report(tables: sources.map { ($0.0, counts[$0.0] ?? 0, $0.1) }, keys: keys.count)
    }

    static func copied(_ value: DatabaseValue) -> CopiedValue {
        switch value.storage {
        case .null: .null
        case .int64(let v): .integer(v)
        case .double(let v): .real(v)
        case .string(let v): .text(v)
        case .blob(let v): .blob(v)
        }
    }
}

/// `gridpass backup` of a PostgreSQL deployment: its tables, read from one snapshot, and its key
/// ring (opened with the master key) become an SQLite data directory in a scratch folder, which is
/// then written exactly like a data directory's backup (`Backup`). `gridpass restore` gives back
/// that data directory; `gridpass migrate` takes it into a new PostgreSQL database.
public enum PostgresBackup {
    public static func write(url: String, masterKeyFile: String, to out: String, keyFile: String) async throws -> Int {
        let database = try await PostgresDatabase.open(try PostgresURL(url))
        defer { database.close() }
        let ring = try await PostgresKeyRing.open(database, masterKeyFile: masterKeyFile)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gridpass-pg-backup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let directory = try DataDirectory(path: scratch)
        let pool = try directory.openDatabase()
        var tables: [(table: String, columns: [String])] = []
        var sqliteName: [String: String] = [:]
        for (postgres, sqlite) in PostgresDatabase.copiedTables {
            let columns = try await pool.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(sqlite)\")").map { $0["name"] as String } }
            tables.append((postgres, columns))
            sqliteName[postgres] = sqlite
        }
        // The rows go straight into the scratch database, in one write transaction.
        let rows = Mutex<[(String, [CopiedValue])]>([])
        try await database.copyOut(tables) { table, values in rows.withLock { $0.append((table, values)) } }
        let all = rows.withLock { $0 }
        let byTable = Dictionary(uniqueKeysWithValues: tables.map { ($0.table, $0.columns) })
        let names = sqliteName
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM setting")  // the scratch directory's own first settings
            for (table, values) in all {
                let columns = byTable[table]!
                let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO \"\(names[table]!)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(marks))")
                try statement.execute(arguments: StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
                    switch value {
                    case .null: nil
                    case .integer(let v): v
                    case .real(let v): v
                    case .text(let v): v
                    case .blob(let v): v
                    }
                }))
            }
        }
        try pool.close()
        try KeyRing.write(Array(ring.keys(refresh: true).keys.values), to: directory.keyRingPath)
        return try Backup.write(directory, to: out, keyFile: keyFile)
    }
}
