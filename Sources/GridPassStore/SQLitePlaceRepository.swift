import GRDB
import GridPassCore

/// Places and posters in SQLite.
public struct SQLitePlaceRepository: PlaceRepository, SettingsRepository {
    let db: DatabasePool
    /// For the poster serial, read on every scan of a poster (when `serials` has not kept it).
    let hot: HotReaders
    let serials: PosterSerialCache

    /// On its own (`SQLiteStore` shares its hot readers and change file with the other repositories).
    public init(_ db: DatabasePool) throws {
        try self.init(db, hot: HotReaders(path: db.path, count: 1),
                      changes: ChangeCounter(path: DataDirectory.changesPath(of: db.path), slot: .posters))
    }

    init(_ db: DatabasePool, hot: HotReaders, changes: ChangeCounter) {
        self.db = db
        self.hot = hot
        self.serials = PosterSerialCache(changes: changes)
    }

    public func importPlaces(csv: String) async throws -> PlaceImportSummary {
        try await db.write { db in
            // Validation sees the stored state inside the same transaction as the writes.
            let existingRows = try Row.fetchAll(db, sql: "SELECT code, kind FROM place")
            var existing: PlaceImport.Existing = [:]
            for row in existingRows {
                if let kind = PlaceKind(rawValue: row["kind"]) { existing[row["code"]] = kind }
            }
            let rows = try PlaceImport.validate(csv: csv, existing: existing)
            var summary = PlaceImportSummary(inserted: 0, updated: 0)
            // Parents may come after their children in the file: insert or update every row
            // first, then link parents by code.
            for (index, row) in rows.enumerated() {
                let rooms = row.rooms.joined(separator: ";")
                if existing[row.code] != nil {
                    try db.execute(sql: """
                        UPDATE place SET name = ?, rooms = ?, households = ?, position = ? WHERE code = ?
                        """, arguments: [row.name, rooms, row.households, index, row.code])
                    summary.updated += 1
                } else {
                    try db.execute(sql: """
                        INSERT INTO place (code, kind, name, rooms, households, position) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [row.code, row.kind.rawValue, row.name, rooms, row.households, index])
                    summary.inserted += 1
                }
            }
            for row in rows {
                try db.execute(sql: """
                    UPDATE place SET parent_id = (SELECT id FROM place WHERE code = ?) WHERE code = ?
                    """, arguments: [row.parentCode, row.code])
            }
            return summary
        }
    }

    public func place(code: String) async throws -> Place? {
        try await db.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM place WHERE code = ?"), arguments: [code]).map(Self.place) }
    }

    public func place(id: Int64) async throws -> Place? {
        try await db.read { db in try Self.place(id: id, db) }
    }

    public func path(of place: Place) async throws -> PlacePath {
        try await db.read { db in try Self.path(of: place, db) }
    }

    public func posterSerial(placeID: Int64) async throws -> Int? {
        try serials.value(for: placeID) {
            try hot.row("SELECT poster_serial FROM place WHERE id = ?", int64: placeID) { Int($0.int64(0)) }
        }
    }

    public func path(placeID: Int64) async throws -> PlacePath? {
        try await db.read { db in try Self.place(id: placeID, db).map { try Self.path(of: $0, db) } }
    }

    public func children(of place: Place?) async throws -> [Place] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM place WHERE parent_id IS ? ORDER BY position, id",
                             arguments: [place?.id]).map(Self.place)
        }
    }

    public func doors(under root: Place) async throws -> [PlacePath] {
        try await db.read { db in
            PlaceTree.doors(under: root, ancestors: try Self.path(of: root, db).ancestors, subtree: try Self.subtree(of: root.id, db))
        }
    }

    public func rotatePoster(code: String) async throws -> Place {
        defer { serials.changed() }  // also after a failure: a count too many only costs a read
        return try await db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM place WHERE code = ?", arguments: [code]) else {
                throw RepositoryError.notFound("no place has the code '\(code)'")
            }
            var place = Self.place(row)
            let hasUnits = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM place WHERE parent_id = ? AND kind = 'unit')", arguments: [place.id]) ?? false
            guard place.isDoor(hasUnits: hasUnits) else {
                throw RepositoryError.invalid("'\(code)' is a \(place.kind.rawValue), which has no poster of its own")
            }
            guard place.posterSerial < Int(UInt16.max) else { throw RepositoryError.invalid("the poster of '\(code)' was rotated too often") }
            place.posterSerial += 1
            try db.execute(sql: "UPDATE place SET poster_serial = ? WHERE id = ?", arguments: [place.posterSerial, place.id])
            return place
        }
    }

    public func count() async throws -> Int {
        try await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM place") ?? 0 }
    }

    public func setting(_ key: String) async throws -> String? {
        try await db.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    // MARK: - Rows

    static func place(_ row: Row) -> Place {
        let rooms: String = row["rooms"]
        return Place(id: row["id"], code: row["code"], kind: PlaceKind(rawValue: row["kind"]) ?? .unit, name: row["name"],
                     parentID: row["parent_id"], rooms: rooms.isEmpty ? [] : rooms.split(separator: ";").map(String.init),
                     households: row["households"], posterSerial: row["poster_serial"])
    }

    /// Every place at or below `rootID`, grouped by parent id.
    static func subtree(of rootID: Int64, _ db: Database) throws -> [Int64?: [Place]] {
        let rows = try Row.fetchAll(db, sql: """
            WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT p.id FROM place p JOIN sub ON p.parent_id = sub.id)
            SELECT place.* FROM place JOIN sub USING (id)
            """, arguments: [rootID])
        return Dictionary(grouping: rows.map(place), by: \.parentID)
    }

    static func place(id: Int64, _ db: Database) throws -> Place? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM place WHERE id = ?"), arguments: [id]).map(place)
    }

    static func path(of place: Place, _ db: Database) throws -> PlacePath {
        var ancestors: [Place] = []
        var next = place.parentID
        while let id = next, ancestors.count < 16, let parent = try Self.place(id: id, db) {
            ancestors.insert(parent, at: 0)
            next = parent.parentID
        }
        return PlacePath(ancestors: ancestors, place: place)
    }
}
