import Foundation
import GridPassCore
@testable import GridPassPostgres
import GridPassStore
import GridPassTestSupport
import Synchronization
import Testing

extension Backend {
    /// The repositories behind the staff pages, on one database of their own, and ways to put
    /// people and flags in it.
    struct StaffStores: Sendable {
        var staff: any StaffRepository
        var users: any UserRepository
        var places: any PlaceRepository & SettingsRepository
        var stats: any StatsRepository
        /// Registers a resident at `placeID` (no colour yet) with a declaration at `now`; returns their id.
        var addResident: @Sendable (_ placeID: Int64, _ name: String, _ room: String?, _ now: Int64) async throws -> String
        /// Flags the person with that id at `now`.
        var addFlag: @Sendable (_ personID: String, _ kind: StaffFlagKind, _ now: Int64) async throws -> Void
    }

    /// The staff repositories on a database of their own, closed after `body`.
    func withStaff<T>(_ body: (StaffStores) async throws -> T) async throws -> T {
        let serial = Serial()
        switch self {
        case .sqlite:
            let data = try DataDirectory(path: try makeTemporaryDirectory().path)
            let db = try data.openDatabase()
            let store = try SQLiteStore(db, keyRing: try data.openKeyRing())
            return try await body(StaffStores(
                staff: SQLiteStaffRepository(db), users: SQLiteUserRepository(db), places: store.places, stats: SQLiteStats(db),
                addResident: { placeID, name, room, now in
                    let n = serial.next()
                    let declaration = HealthDeclaration(temperature: 36.5, symptoms: [], visited: [], contact: Contact.none)
                    return try await store.people.register(RegistrationData(
                        placeID: placeID, kind: .resident, name: name, idNumber: Self.identityNumber(n), phone: "13800138000", room: room,
                        department: nil, declaration: declaration), now: now, decide: { _, _ in nil }).person.id
                },
                addFlag: { id, kind, now in
                    try await store.health.addFlag(try #require(PersonRef(hex: id)), kind: kind, by: nil, now: now)
                }))
        case .postgres:
            let database = try await TestPostgres.fresh()
            defer { database.close() }
            // Plain SQL until PostgreSQL has a person and health repository of its own (issue 14):
            // the columns these lists read, the rest filled with placeholders.
            let client = database.client
            return try await body(StaffStores(
                staff: PostgresStaffRepository(database), users: PostgresUserRepository(database),
                places: PostgresPlaceRepository(database), stats: PostgresStats(database),
                addResident: { placeID, name, room, now in
                    let n = serial.next()
                    let ref = Data((0..<PersonRef.size).map { _ in UInt8.random(in: 0...255) })
                    let meToken = "me-\(n)-" + UUID().uuidString
                    try await client.query("""
                        INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, me_token,
                                            created_at, updated_at)
                        VALUES (\(ref), 'resident', 'active', \(placeID), \(Data(Self.identityNumber(n).utf8)), \(Data([0])),
                                \(Data([0])), \(name), \(room), \(meToken), \(now), \(now))
                        """)
                    try await client.query("""
                        INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
                        VALUES (\(ref), \(Day(unixSeconds: now).number), \(now), 'registration', 36.5, '', '', 'none')
                        """)
                    return try #require(PersonRef(bytes: ref)).hex
                },
                addFlag: { id, kind, now in
                    let ref = Data(try #require(PersonRef(hex: id)).bytes)
                    try await client.query("""
                        INSERT INTO flag (person_ref, kind, day, at) VALUES (\(ref), \(kind.rawValue), \(Day(unixSeconds: now).number), \(now))
                        """)
                }))
        }
    }

    /// Two staff repositories on one database, as two server nodes (SQLite: two processes on one
    /// data directory) have them, closed after `body`.
    func withStaffNodes<T>(_ body: (any StaffRepository, any StaffRepository) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let data = try DataDirectory(path: try makeTemporaryDirectory().path)
            return try await body(SQLiteStaffRepository(try data.openDatabase()), SQLiteStaffRepository(try data.openDatabase()))
        case .postgres:
            let url = try await TestPostgres.emptyDatabase()
            let one = try await PostgresDatabase.open(url)
            defer { one.close() }
            let two = try await PostgresDatabase.open(url)
            defer { two.close() }
            return try await body(PostgresStaffRepository(one), PostgresStaffRepository(two))
        }
    }

    /// A valid identity number, a different one for each `n` below 1000.
    static func identityNumber(_ n: Int) -> String {
        let body = "110105" + "19850615" + String(format: "%03d", n % 1000)
        return body + String(IdentityNumber.checkCharacter(of: body)!)
    }
}

/// 1, 2, 3… across the closures of one `StaffStores`.
private final class Serial: Sendable {
    private let last = Mutex(0)

    func next() -> Int { last.withLock { n in n += 1; return n } }
}
