import Foundation
import GridPassCore
import PostgresNIO

/// Places, posters and settings on PostgreSQL: the same contract as `SQLitePlaceRepository`
/// (the same store tests run on both). No cache: every read asks the database, so what any node
/// or command wrote is what the next read sees.
public struct PostgresPlaceRepository: PlaceRepository, SettingsRepository {
    let database: PostgresDatabase
    let serials: BatchedLookup<Int64, Int>

    public init(_ database: PostgresDatabase) {
        self.database = database
        serials = BatchedLookup { ids in
            let rows = try await database.client.rows("SELECT id, poster_serial FROM place WHERE id = ANY(\(ids))") {
                (try $0.get(0, as: Int64.self), try $0.get(1, as: Int.self))
            }
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }

    static let columns = "id, code, kind, name, parent_id, rooms, households, poster_serial"
    /// The same, named with their table (for joins).
    static let placeColumns = columns.split(separator: ",").map { "place." + $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")
    typealias PlaceRow = (Int64, String, String, String, Int64?, String, Int?, Int)

    public func importPlaces(csv: String) async throws -> PlaceImportSummary {
        try await database.transaction { connection in
            let logger = database.logger
            // One importer at a time: validation sees the stored state inside the transaction
            // that writes (SQLite's single writer gives the same).
            try await connection.query("LOCK TABLE place IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            var existing: PlaceImport.Existing = [:]
            for try await (code, kind) in try await connection.query("SELECT code, kind FROM place", logger: logger)
                .decode((String, String).self) {
                if let kind = PlaceKind(rawValue: kind) { existing[code] = kind }
            }
            let rows = try PlaceImport.validate(csv: csv, existing: existing)
            var summary = PlaceImportSummary(inserted: 0, updated: 0)
            // Parents may come after their children in the file: insert or update every row
            // first, then link parents by code.
            for (index, row) in rows.enumerated() {
                let rooms = row.rooms.joined(separator: ";")
                if existing[row.code] != nil {
                    try await connection.query("""
                        UPDATE place SET name = \(row.name), rooms = \(rooms), households = \(row.households), position = \(index)
                        WHERE code = \(row.code)
                        """, logger: logger)
                    summary.updated += 1
                } else {
                    try await connection.query("""
                        INSERT INTO place (code, kind, name, rooms, households, position)
                        VALUES (\(row.code), \(row.kind.rawValue), \(row.name), \(rooms), \(row.households), \(index))
                        """, logger: logger)
                    summary.inserted += 1
                }
            }
            for row in rows {
                try await connection.query("""
                    UPDATE place SET parent_id = (SELECT id FROM place WHERE code = \(row.parentCode)) WHERE code = \(row.code)
                    """, logger: logger)
            }
            return summary
        }
    }

    public func place(code: String) async throws -> Place? {
        try await first(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE code = $1", binds: try binds(code)))
    }

    public func place(id: Int64) async throws -> Place? {
        try await first(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE id = $1", binds: try binds(id)))
    }

    public func path(of place: Place) async throws -> PlacePath {
        PlacePath(ancestors: try await ancestors(of: place.parentID), place: place)
    }

    public func path(placeID: Int64) async throws -> PlacePath? {
        guard let place = try await place(id: placeID) else { return nil }
        return try await path(of: place)
    }

    /// Read fresh for every poster scan (a rotation on any node is in force at once), shared by
    /// the scans waiting at that moment (`BatchedLookup`).
    public func posterSerial(placeID: Int64) async throws -> Int? {
        try await serials.value(for: placeID)
    }

    public func doors(under root: Place) async throws -> [PlacePath] {
        PlaceTree.doors(under: root, ancestors: try await ancestors(of: root.parentID), subtree: try await subtree(of: root.id))
    }

    public func children(of place: Place?) async throws -> [Place] {
        if let place {
            return try await all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE parent_id = $1 ORDER BY position, id",
                                               binds: try binds(place.id)))
        }
        return try await all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE parent_id IS NULL ORDER BY position, id"))
    }

    public func rotatePoster(code: String) async throws -> Place {
        try await database.transaction { connection in
            let logger = database.logger
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE code = $1 FOR UPDATE",
                                                                binds: try binds(code)), logger: logger)
            var found: Place?
            for try await row in rows.decode(PlaceRow.self) { found = Self.place(row) }
            guard var place = found else { throw RepositoryError.notFound("no place has the code '\(code)'") }
            var hasUnits = false
            for try await exists in try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM place WHERE parent_id = \(place.id) AND kind = 'unit')
                """, logger: logger).decode(Bool.self) { hasUnits = exists }
            guard place.isDoor(hasUnits: hasUnits) else {
                throw RepositoryError.invalid("'\(code)' is a \(place.kind.rawValue), which has no poster of its own")
            }
            guard place.posterSerial < Int(UInt16.max) else { throw RepositoryError.invalid("the poster of '\(code)' was rotated too often") }
            place.posterSerial += 1
            try await connection.query("UPDATE place SET poster_serial = \(place.posterSerial) WHERE id = \(place.id)", logger: logger)
            return place
        }
    }

    public func count() async throws -> Int {
        for try await n in try await database.client.query("SELECT COUNT(*) FROM place").decode(Int.self) { return n }
        return 0
    }

    public func setting(_ key: String) async throws -> String? {
        for try await value in try await database.client.query("SELECT value FROM setting WHERE key = \(key)").decode(String.self) {
            return value
        }
        return nil
    }

    public func setSetting(_ key: String, _ value: String) async throws {
        try await database.write("""
            INSERT INTO setting (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
    }

    // MARK: - Rows


    static func place(_ row: PlaceRow) -> Place {
        Place(id: row.0, code: row.1, kind: PlaceKind(rawValue: row.2) ?? .unit, name: row.3, parentID: row.4,
              rooms: row.5.isEmpty ? [] : row.5.split(separator: ";").map(String.init), households: row.6, posterSerial: row.7)
    }

    func all(_ query: PostgresQuery) async throws -> [Place] {
        var out: [Place] = []
        for try await row in try await database.client.query(query).decode(PlaceRow.self) { out.append(Self.place(row)) }
        return out
    }

    func first(_ query: PostgresQuery) async throws -> Place? {
        try await all(query).first
    }

    /// Every place at or below `rootID`, grouped by parent id, in one recursive query.
    func subtree(of rootID: Int64) async throws -> [Int64?: [Place]] {
        let places = try await all(PostgresQuery(unsafeSQL: """
            WITH RECURSIVE sub(id) AS (SELECT $1::BIGINT UNION ALL SELECT p.id FROM place p JOIN sub ON p.parent_id = sub.id)
            SELECT \(Self.placeColumns)
            FROM place JOIN sub USING (id)
            """, binds: try binds(rootID)))
        return Dictionary(grouping: places, by: \.parentID)
    }

    /// The place `parentID` and its ancestors, root first, in one recursive query.
    func ancestors(of parentID: Int64?) async throws -> [Place] {
        guard let parentID else { return [] }
        let chain = try await all(PostgresQuery(unsafeSQL: """
            WITH RECURSIVE up(id, depth) AS (
                SELECT $1::BIGINT, 0 UNION ALL
                SELECT p.parent_id, up.depth + 1 FROM place p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL AND up.depth < 16)
            SELECT \(Self.placeColumns)
            FROM place JOIN up USING (id) ORDER BY up.depth DESC
            """, binds: try binds(parentID)))
        return chain
    }
}
