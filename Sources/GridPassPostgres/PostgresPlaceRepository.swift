import Foundation
import GridPassCore
import PostgresNIO
import Synchronization

/// Places, posters and settings on PostgreSQL: the same contract as `SQLitePlaceRepository`
/// (the same store tests run on both).
///
/// Places and their paths are read by nearly every request (a poster scan, a checkpoint scan)
/// and change rarely (a poster rotation, an import). A node keeps those it read in memory,
/// tagged with the places' epoch (`place_epoch`, bumped by a trigger in every transaction that
/// changes a place), and answers from memory only while a read of that epoch begun after the
/// request asked still finds it the same (`PostgresDatabase.versions`, shared by the requests
/// of the moment): a rotation answered on any node is in force at the next request everywhere.
public struct PostgresPlaceRepository: PlaceRepository, SettingsRepository {
    let database: PostgresDatabase
    let cache = PlacesAtEpoch()

    public init(_ database: PostgresDatabase) {
        self.database = database
    }

    static let columns = "id, code, kind, name, parent_id, rooms, households, poster_serial"
    /// The same, named with their table (for joins).
    static let placeColumns = columns.split(separator: ",").map { "place." + $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")
    typealias PlaceRow = (Int64, String, String, String, Int64?, String, Int?, Int)

    public func importPlaces(csv: String) async throws -> PlaceImportSummary {
        defer { PostgresDatabase.forgetRequestVersions() }
        return try await database.transaction { connection in
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
        let epoch = try await database.currentVersions().places
        return try await place(cache.place(code: code, epoch: epoch), epoch: epoch,
                               else: PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE code = $1", binds: try binds(code)))
    }

    public func place(id: Int64) async throws -> Place? {
        try await place(id: id, epoch: try await database.currentVersions().places)
    }

    func place(id: Int64, epoch: Int64) async throws -> Place? {
        try await place(cache.place(id: id, epoch: epoch), epoch: epoch,
                        else: PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM place WHERE id = $1", binds: try binds(id)))
    }

    /// `kept` when memory had the place at `epoch`, else the row of `query`, kept from now on.
    private func place(_ kept: Place?, epoch: Int64, else query: @autoclosure () throws -> PostgresQuery) async throws -> Place? {
        if let kept { return kept }
        let place = try await first(try query())
        cache.store(place.map { [$0] } ?? [], epoch: epoch)
        return place
    }

    public func path(of place: Place) async throws -> PlacePath {
        PlacePath(ancestors: try await ancestors(of: place.parentID, epoch: try await database.currentVersions().places), place: place)
    }

    public func path(placeID: Int64) async throws -> PlacePath? {
        let epoch = try await database.currentVersions().places
        guard let place = try await place(id: placeID, epoch: epoch) else { return nil }
        return PlacePath(ancestors: try await ancestors(of: place.parentID, epoch: epoch), place: place)
    }

    /// Current for every poster scan: a rotation on any node is in force at once.
    public func posterSerial(placeID: Int64) async throws -> Int? {
        try await place(id: placeID)?.posterSerial
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
        defer { PostgresDatabase.forgetRequestVersions() }
        return try await database.transaction { connection in
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

    /// The place `parentID` and its ancestors, root first: from memory when every one of them is
    /// there at `epoch`, else in one recursive query.
    func ancestors(of parentID: Int64?, epoch: Int64) async throws -> [Place] {
        if let chain = cache.chain(from: parentID, epoch: epoch) { return chain }
        let chain = try await ancestors(of: parentID)
        cache.store(chain, epoch: epoch)
        return chain
    }

    /// The same, always from the database.
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

/// Places as a node read them at one places' epoch (`PostgresPlaceRepository`). A read at a
/// newer epoch empties it; reads at an older epoch than the cache's neither use nor fill it.
final class PlacesAtEpoch: Sendable {
    private struct State {
        var epoch: Int64 = .min
        var byID: [Int64: Place] = [:]
        var idByCode: [String: Int64] = [:]
    }
    private let state = Mutex(State())
    /// A bound on the places kept (a city has tens of thousands); past it the cache starts again.
    static let limit = 500_000

    func place(id: Int64, epoch: Int64) -> Place? {
        state.withLock { state in Self.at(&state, epoch) ? state.byID[id] : nil }
    }

    func place(code: String, epoch: Int64) -> Place? {
        state.withLock { state in Self.at(&state, epoch) ? state.idByCode[code].flatMap { state.byID[$0] } : nil }
    }

    /// `parentID` and its ancestors, root first; nil unless every one is here.
    func chain(from parentID: Int64?, epoch: Int64) -> [Place]? {
        state.withLock { state in
            guard Self.at(&state, epoch) else { return nil }
            var chain: [Place] = []
            var next = parentID
            while let id = next {
                guard let place = state.byID[id], chain.count < 16 else { return nil }
                chain.append(place)
                next = place.parentID
            }
            return chain.reversed()
        }
    }

    /// Keeps `places`, read by a query begun after `epoch` was read.
    func store(_ places: [Place], epoch: Int64) {
        state.withLock { state in
            guard Self.at(&state, epoch) else { return }
            if state.byID.count + places.count > Self.limit { state = State(epoch: epoch) }
            for place in places {
                state.byID[place.id] = place
                state.idByCode[place.code] = place.id
            }
        }
    }

    /// Whether the cache answers for `epoch` (emptied first when `epoch` is newer).
    private static func at(_ state: inout State, _ epoch: Int64) -> Bool {
        if epoch > state.epoch { state = State(epoch: epoch) }
        return epoch == state.epoch
    }
}
