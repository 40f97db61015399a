import Foundation
import GridPassCore
import PostgresNIO

/// People and their declarations on PostgreSQL; identity numbers and phones encrypted
/// (`PersonalDataCipher`, the same as SQLite's). Registrations of one person racing on two
/// nodes end in one record: the loser of the insert finds the winner's row and updates it.
public struct PostgresPersonRepository: PersonRepository {
    let database: PostgresDatabase
    let cipher: PersonalDataCipher
    let keys: any KeyRingStore
    /// New people, stored by the batch of the moment: one transaction and one commit for all
    /// registrations waiting (`registerMany`). One batch at a time: the others gather meanwhile,
    /// and fewer, larger batches were faster than 2, 4 or 8 at once (A/B runs, 2026-12-07).
    let newPeople: BatchedLookup<NewPersonRow, String>

    public init(_ database: PostgresDatabase, keys: any KeyRingStore) {
        self.database = database
        self.keys = keys
        self.cipher = PersonalDataCipher(keyRing: keys)
        newPeople = BatchedLookup(maxRunning: 1, maxBatch: 128) { rows in try await Self.registerMany(database, rows) }
    }

    var logger: Logger { database.logger }

    public func register(_ r: RegistrationData, now: Int64, decide: @escaping HealthDecision) async throws
        -> (person: PersonRecord, health: HealthRecord?, created: Bool) {
        let (index, idBox, phoneBox) = try cipher.sealContact(idNumber: r.idNumber, phone: r.phone)
        let meToken = try NewPerson.meToken()
        if let new = try await registerNew(r, index: index, idBox: idBox, phoneBox: phoneBox, meToken: meToken, now: now, decide: decide) {
            return (new.0, new.1, true)
        }
        return try await database.transaction { connection in
            while true {
                // Locks in the order of the background pass and of a person's page: their stale
                // mark (if any), then their row; never the other way round (no deadlock).
                try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT 1 FROM stale_person WHERE ref = (SELECT ref FROM person WHERE place_id = $1 AND id_index = $2) FOR UPDATE
                    """, binds: try Self.placeAndIndex(r.placeID, Data(index))), logger: logger)
                let existing = try await connection.rows(PostgresQuery(unsafeSQL: """
                    SELECT \(PersonRow.columns), phone_enc FROM person WHERE place_id = $1 AND id_index = $2 FOR UPDATE
                    """, binds: try Self.placeAndIndex(r.placeID, Data(index))), logger: logger) {
                    (try PersonRow.person($0), try $0.get(PersonRow.count, as: Data.self))
                }.first
                if let (person, phoneEnc) = existing {
                    // Only the holder of the registered phone may update it (as on SQLite).
                    let stored = try cipher.openPhone(Array(phoneEnc), index: index)
                    guard stored == r.phone else { throw RegistrationConflict.phoneMismatch }
                    let key = Data(person.ref.bytes)
                    try await connection.query("""
                        UPDATE person SET name = \(r.name), room = \(r.room), department = \(r.department), id_number_enc = \(Data(idBox)),
                                          phone_enc = \(Data(phoneBox)), updated_at = \(now)
                        WHERE ref = \(key)
                        """, logger: logger)
                    try await PostgresHealthRepository.insertDeclaration(connection, logger: logger, ref: person.ref, r.declaration,
                                                                         source: "registration", now: now)
                    guard let health = try await PostgresHealthRepository.apply(person.ref, connection, logger: logger, decide: decide) else {
                        throw PostgresRowError("registered person vanished")
                    }
                    return (health.person, health, false)
                }
                if let (person, health) = try await insertNew(connection, r, index: index, idBox: idBox, phoneBox: phoneBox,
                                                              meToken: meToken, now: now, decide: decide) {
                    return (person, health, true)
                }
                // Another registration of the same person committed first: update theirs.
            }
        }
    }

    /// The common case, shared with the registrations of the same moment (`gridpass_register_batch`):
    /// a new person, coloured with this node's copy of the risk list and signed with its newest
    /// key, stored with their declaration only if both are still current and nobody of that place
    /// and identity index exists. nil: the person exists (or the copies kept going stale, or the
    /// batch failed): the caller's transaction.
    func registerNew(_ r: RegistrationData, index: [UInt8], idBox: [UInt8], phoneBox: [UInt8], meToken: String, now: Int64,
                     decide: HealthDecision) async throws -> (PersonRecord, HealthRecord)? {
        let d = r.declaration
        let day = Day(unixSeconds: now).number
        var risks = database.risks.withLock { $0 }
        for _ in 0..<4 {
            if risks == nil { risks = try await PostgresHealthRepository.riskSnapshot(database) }
            guard let snapshot = risks else { return nil }
            let keyMax = Int64(keys.keys().newestID)  // before `decide` signs: a newer key only fails the check
            let ref = try PersonRef.timeOrdered(milliseconds: NewPerson.clockMilliseconds())
            var health = NewPerson.record(ref, r, meToken: meToken, now: now)
            let update = try decide(health, snapshot.list)
            let row = NewPersonRow(
                epoch: snapshot.epoch, keyMax: keyMax, ref: Data(ref.bytes), kind: r.kind.rawValue, status: health.person.status.rawValue,
                place: r.placeID, index: Data(index), idEnc: Data(idBox), phoneEnc: Data(phoneBox), name: r.name, room: r.room,
                department: r.department, me: meToken, now: now, version: Int64(update?.statusVersion ?? 0), color: update?.color.rawValue,
                reasons: HealthReasonCoding.encode(update?.reasons ?? []), code: update?.code, day: Int32(day),
                temperature: d.temperature, symptoms: d.symptoms.map(\.rawValue).joined(separator: ","),
                visited: d.visited.joined(separator: ","), contact: d.contact.rawValue, regions: Array(Set(d.visited)).sorted())
            switch try await newPeople.value(for: row) {
            case "inserted":
                if let update { health = HealthRecompute.updated(health, with: update) }
                return (health.person, health)
            case "risk": risks = nil
            case "keys":  // rotated since this request read the newest key id: read it again
                PostgresDatabase.forgetRequestVersions()
                try await keys.refreshForSigning()
            case "retry": continue
            default: return nil  // "exists", or the batch failed
            }
        }
        return nil
    }

    /// Stores `rows` with one commit, answered only once durable (`gridpass_register_batch`), in the order of their place and identity index (two nodes'
    /// batches lock the same people in the same order). Outcome per row: "inserted", "exists",
    /// "risk", "keys", "retry" (see `gridpass_register_batch`), or "error" when the batch failed for
    /// a reason of its own (each then takes the one-person transaction, which reports its error).
    static func registerMany(_ database: PostgresDatabase, _ rows: [NewPersonRow]) async throws -> [NewPersonRow: String] {
        let rows = rows.sorted { $0.place != $1.place ? $0.place < $1.place : $0.index.lexicographicallyPrecedes($1.index) }
        var b = PostgresBindings(capacity: 29)
        try b.append(rows.map(\.epoch)); try b.append(rows.map(\.keyMax))
        try b.append(rows.map { ByteBuffer(bytes: $0.ref) }); try b.append(rows.map(\.kind)); try b.append(rows.map(\.status))
        try b.append(rows.map(\.place)); try b.append(rows.map { ByteBuffer(bytes: $0.index) })
        try b.append(rows.map { ByteBuffer(bytes: $0.idEnc) }); try b.append(rows.map { ByteBuffer(bytes: $0.phoneEnc) })
        try b.append(rows.map(\.name)); try b.append(rows.map { $0.room ?? "" }); try b.append(rows.map { $0.department ?? "" })
        try b.append(rows.map(\.me)); try b.append(rows.map(\.now)); try b.append(rows.map(\.version))
        try b.append(rows.map { $0.color ?? "" }); try b.append(rows.map(\.reasons))
        try b.append(rows.map { $0.code?.payload ?? "" }); try b.append(rows.map { $0.code?.color.rawValue ?? "" })
        try b.append(rows.map { $0.code.map { Int64($0.statusVersion) } ?? 0 })
        try b.append(rows.map { $0.code?.issuedAt ?? 0 }); try b.append(rows.map { $0.code?.expiresAt ?? 0 })
        try b.append(rows.map(\.day)); try b.append(rows.map(\.temperature)); try b.append(rows.map(\.symptoms))
        try b.append(rows.map(\.visited)); try b.append(rows.map(\.contact)); try b.append(rows.map { $0.regions.joined(separator: ",") })
        try b.append(rows.map(\.nulls))
        let statement = RegisterBatch(binds: b)
        do {
            let outcomes = try await database.retryingVictims {
                try await database.client.rows(statement, logger: database.logger).first ?? []
            }
            guard outcomes.count == rows.count else { throw PostgresRowError("\(outcomes.count) outcomes for \(rows.count) registrations") }
            return Dictionary(zip(rows, outcomes).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        } catch where !(error is CancellationError) && !PostgresDatabase.isUnreachable(error) {
            database.logger.warning("postgres: a batch of registrations failed; each takes its own transaction",
                                    metadata: ["count": .stringConvertible(rows.count), "error": .string(String(describing: error))])
            return Dictionary(rows.map { ($0, "error") }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// A new person, coloured and signed before the insert; nil when a row of the same place and
    /// identity index appeared meanwhile (another node's registration of the same person).
    func insertNew(_ connection: PostgresConnection, _ r: RegistrationData, index: [UInt8], idBox: [UInt8], phoneBox: [UInt8],
                   meToken: String, now: Int64, decide: HealthDecision) async throws -> (PersonRecord, HealthRecord)? {
        let risks = try await PostgresHealthRepository.riskList(connection, logger: logger)
        while true {
            let ref = try PersonRef.timeOrdered(milliseconds: NewPerson.clockMilliseconds())
            var health = NewPerson.record(ref, r, meToken: meToken, now: now)
            let person = health.person, status = person.status
            let update = try decide(health, risks)
            let inserted = try await connection.rows("""
                INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                    me_token, created_at, updated_at, status_version, color, reasons, code_payload,
                                    code_color, code_version, code_issued_at, code_expires_at)
                VALUES (\(Data(ref.bytes)), \(r.kind.rawValue), \(status.rawValue), \(r.placeID), \(Data(index)), \(Data(idBox)),
                        \(Data(phoneBox)), \(r.name), \(r.room), \(r.department), \(meToken), \(now), \(now),
                        \(Int64(update?.statusVersion ?? 0)), \(update?.color.rawValue), \(HealthReasonCoding.encode(update?.reasons ?? [])),
                        \(update?.code?.payload), \(update?.code?.color.rawValue), \(update?.code.map { Int64($0.statusVersion) }),
                        \(update?.code?.issuedAt), \(update?.code?.expiresAt))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """, logger: logger) { _ in true }
            if inserted.isEmpty {
                let taken = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT 1 FROM person WHERE place_id = $1 AND id_index = $2",
                                                                    binds: try Self.placeAndIndex(r.placeID, Data(index))), logger: logger) { _ in true }
                if !taken.isEmpty { return nil }
                continue  // the reference was taken: draw another
            }
            try await PostgresHealthRepository.insertDeclaration(connection, logger: logger, ref: ref, r.declaration,
                                                                 source: "registration", now: now)
            if let update { health = HealthRecompute.updated(health, with: update) }
            return (person, health)
        }
    }

    public func person(id: String) async throws -> PersonRecord? {
        guard let ref = PersonRef(hex: id) else { return nil }
        return try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(PersonRow.columns) FROM person WHERE ref = $1",
                                                            binds: try GridPassPostgres.binds(Data(ref.bytes))), PersonRow.person).first
    }

    public func person(meToken: String) async throws -> PersonRecord? {
        try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(PersonRow.columns) FROM person WHERE me_token = $1",
                                                     binds: try GridPassPostgres.binds(meToken)), PersonRow.person).first
    }

    public func pendingWorkers(enterpriseID: Int64?) async throws -> [PersonRecord] {
        var bindings = PostgresBindings()
        try bindings.append(enterpriseID)
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(PersonRow.columns) FROM person WHERE kind = 'worker' AND status = 'pending' AND ($1::BIGINT IS NULL OR place_id = $1)
            ORDER BY created_at, name
            """, binds: bindings), PersonRow.person)
    }

    public func review(personID: String, approve: Bool, reason: String?, now: Int64) async throws -> PersonRecord {
        guard let ref = PersonRef(hex: personID) else { throw RepositoryError.notFound("no person has the id '\(personID)'") }
        let key = Data(ref.bytes)
        return try await database.transaction { connection in
            let select = PostgresQuery(unsafeSQL: "SELECT \(PersonRow.columns) FROM person WHERE ref = $1 FOR UPDATE", binds: try GridPassPostgres.binds(key))
            guard let person = try await connection.rows(select, logger: logger, PersonRow.person).first else {
                throw RepositoryError.notFound("no person has the id '\(personID)'")
            }
            guard person.kind == .worker else { throw RepositoryError.invalid("\(personID) is a resident, not a worker to review") }
            try await connection.query("""
                UPDATE person SET status = \(approve ? "active" : "rejected"), review_reason = \(reason), updated_at = \(now) WHERE ref = \(key)
                """, logger: logger)
            let reread = PostgresQuery(unsafeSQL: "SELECT \(PersonRow.columns) FROM person WHERE ref = $1", binds: try GridPassPostgres.binds(key))
            guard let reviewed = try await connection.rows(reread, logger: logger, PersonRow.person).first else {
                throw RepositoryError.notFound("no person has the id '\(personID)'")
            }
            return reviewed
        }
    }

    public func contact(of personID: String) async throws -> (idNumber: String, phone: String)? {
        guard let ref = PersonRef(hex: personID) else { return nil }
        guard let (index, idEnc, phoneEnc) = try await database.client.rows("""
            SELECT id_index, id_number_enc, phone_enc FROM person WHERE ref = \(Data(ref.bytes))
            """, { (Array(try $0.get(0, as: Data.self)), Array(try $0.get(1, as: Data.self)), Array(try $0.get(2, as: Data.self))) }).first
        else { return nil }
        return (try cipher.openIDNumber(idEnc, index: index), try cipher.openPhone(phoneEnc, index: index))
    }

    public func count() async throws -> Int {
        try await database.client.rows("SELECT COUNT(*) FROM person") { try $0.get(0, as: Int.self) }.first ?? 0
    }

    static func placeAndIndex(_ placeID: Int64, _ index: Data) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        try bindings.append(placeID)
        try bindings.append(index)
        return bindings
    }
}

/// One new person for `gridpass_register_batch` (element i of its arrays), told apart from the
/// others of a batch by their page token (`me`, 128 random bits): two registrations may draw the
/// same reference in the same millisecond, and the batch then stores one of them and sends the
/// other to draw again.
struct NewPersonRow: Hashable, Sendable {
    let epoch: Int64, keyMax: Int64
    let ref: Data, kind: String, status: String, place: Int64, index: Data, idEnc: Data, phoneEnc: Data
    let name: String, room: String?, department: String?, me: String, now: Int64
    let version: Int64, color: String?, reasons: String, code: StoredCode?
    let day: Int32, temperature: Double, symptoms: String, visited: String, contact: String, regions: [String]

    /// Which of the nullable values are NULL (`p_nulls` of `gridpass_register_batch`).
    var nulls: Int32 {
        (room == nil ? 1 : 0) | (department == nil ? 2 : 0) | (color == nil ? 4 : 0) | (code == nil ? 8 : 0)
    }

    static func == (a: Self, b: Self) -> Bool { a.me == b.me }
    func hash(into hasher: inout Hasher) { hasher.combine(me) }
}

/// `gridpass_register_batch`, prepared: called on its own, it commits the batch and answers the
/// outcomes once that commit is durable (one round trip for the whole batch).
struct RegisterBatch: HotStatement {
    typealias Row = [String]
    static let sql = "CALL gridpass_register_batch(" + (1...29).map { "$\($0)" }.joined(separator: ", ") + ", NULL)"
    let binds: PostgresBindings
    func decodeRow(_ row: PostgresRow) throws -> [String] { try row.decode([String].self) }
}
