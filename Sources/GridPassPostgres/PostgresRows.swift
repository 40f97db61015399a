import Foundation
import GridPassCore
import PostgresNIO

/// Reading rows by position, and the person row every person query starts with.
struct Cells {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try row[index].decode(T.self)
    }
}

extension PostgresConnection {
    /// Every row of `query`, read by `read`.
    func rows<T>(_ query: PostgresQuery, logger: Logger, _ read: (Cells) throws -> T) async throws -> [T] {
        var out: [T] = []
        for try await row in try await self.query(query, logger: logger) { out.append(try read(Cells(row))) }
        return out
    }
}

extension PostgresClient {
    /// Every row of `query`, read by `read`.
    func rows<T>(_ query: PostgresQuery, _ read: (Cells) throws -> T) async throws -> [T] {
        var out: [T] = []
        for try await row in try await self.query(query) { out.append(try read(Cells(row))) }
        return out
    }
}

enum PersonRow {
    /// The columns of a person record, in the order `person(_:)` reads them (the same list as
    /// SQLite's): every query that reads people selects them first.
    static let columns = "ref, kind, status, place_id, name, room, department, me_token, review_reason, created_at, updated_at"
    static let count = 11

    static func person(_ c: Cells) throws -> PersonRecord {
        guard let ref = PersonRef(bytes: Array(try c.get(0, as: Data.self))) else { throw PostgresRowError("a person ref is not 8 bytes") }
        return PersonRecord(ref: ref, kind: PersonKind(rawValue: try c.get(1)) ?? .resident,
                            status: PersonRecord.Status(rawValue: try c.get(2)) ?? .pending, placeID: try c.get(3),
                            name: try c.get(4), room: try c.get(5), department: try c.get(6), meToken: try c.get(7),
                            reviewReason: try c.get(8), createdAt: try c.get(9), updatedAt: try c.get(10))
    }
}

struct PostgresRowError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A hot statement prepared once per connection (PostgreSQL parses and plans it once; each use
/// sends only its values): `binds`, in the order of `sql`'s placeholders (their count is checked
/// in debug builds).
protocol HotStatement: PostgresPreparedStatement {
    var binds: PostgresBindings { get }
}

extension HotStatement {
    func makeBindings() throws -> PostgresBindings {
        assert(binds.count == Self.sql.filter { $0 == "$" }.count, "\(Self.self): \(binds.count) values for \(Self.sql)")
        return binds
    }
}

extension PostgresClient {
    /// Every row of the prepared statement.
    func rows<S: HotStatement>(_ statement: S, logger: Logger) async throws -> [S.Row] {
        var out: [S.Row] = []
        for try await row in try await execute(statement, logger: logger) { out.append(row) }
        return out
    }
}
