import Foundation
import GRDB
import GridPassCore
import GridPassCrypto

/// People and their declarations in SQLite; identity numbers and phones encrypted.
public struct SQLitePersonRepository: PersonRepository {
    let db: DatabasePool
    let writer: GroupCommit
    let cipher: PersonalDataCipher

    init(_ db: DatabasePool, writer: GroupCommit, keyRing: KeyRing) {
        self.db = db
        self.writer = writer
        self.cipher = PersonalDataCipher(keyRing: keyRing)
    }

    public func register(_ r: RegistrationData, now: Int64, decide: @escaping HealthDecision) async throws
        -> (person: PersonRecord, health: HealthRecord?, created: Bool) {
        // Encrypt outside the write lock.
        let (index, idBox, phoneBox) = try cipher.sealContact(idNumber: r.idNumber, phone: r.phone)
        let meToken = try NewPerson.meToken()
        return try await writer.write { db in
            let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.columns), phone_enc FROM person WHERE place_id = ? AND id_index = ?"),
                                            arguments: [r.placeID, Data(index)])
            guard let existing else {
                let (person, health) = try Self.insertNew(db, r, index: index, idBox: idBox, phoneBox: phoneBox, meToken: meToken,
                                                          now: now, decide: decide)
                return (person, health, true)
            }
            // Only the holder of the registered phone may update it: knowing someone's
            // identity number must not be enough to take over their record and page.
            let stored = try cipher.openPhone(Array(existing[Self.columnCount] as Data), index: index)
            guard stored == r.phone else { throw RegistrationConflict.phoneMismatch }
            let ref = Self.person(existing).ref
            try db.cachedStatement(sql: """
                UPDATE person SET name = ?, room = ?, department = ?, id_number_enc = ?, phone_enc = ?, updated_at = ?
                WHERE ref = ?
                """).execute(arguments: [r.name, r.room, r.department, Data(idBox), Data(phoneBox), now, Data(ref.bytes)])
            try Self.insertDeclaration(db, ref: ref, r.declaration, source: "registration", now: now)
            // Colour the person and sign their code in the same transaction: one commit.
            guard let health = try SQLiteHealthRepository.apply(ref, db, decide: decide) else {
                throw DatabaseError(message: "registered person vanished")
            }
            return (health.person, health, false)
        }
    }

    public func person(id: String) async throws -> PersonRecord? {
        guard let ref = PersonRef(hex: id) else { return nil }
        return try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM person WHERE ref = ?", arguments: [Data(ref.bytes)]).map(Self.person)
        }
    }

    public func person(meToken: String) async throws -> PersonRecord? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM person WHERE me_token = ?", arguments: [meToken]).map(Self.person)
        }
    }

    public func pendingWorkers(enterpriseID: Int64?) async throws -> [PersonRecord] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM person WHERE kind = 'worker' AND status = 'pending' AND (? IS NULL OR place_id = ?)
                ORDER BY created_at, name
                """, arguments: [enterpriseID, enterpriseID]).map(Self.person)
        }
    }

    public func review(personID: String, approve: Bool, reason: String?, now: Int64) async throws -> PersonRecord {
        guard let ref = PersonRef(hex: personID) else { throw RepositoryError.notFound("no person has the id '\(personID)'") }
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM person WHERE ref = ?", arguments: [Data(ref.bytes)]) else {
                throw RepositoryError.notFound("no person has the id '\(personID)'")
            }
            let person = Self.person(row)
            guard person.kind == .worker else { throw RepositoryError.invalid("\(personID) is a resident, not a worker to review") }
            try db.execute(sql: "UPDATE person SET status = ?, review_reason = ?, updated_at = ? WHERE ref = ?",
                           arguments: [approve ? "active" : "rejected", reason, now, Data(ref.bytes)])
            return Self.person(try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM person WHERE ref = ?", arguments: [Data(ref.bytes)])!)
        }
    }

    public func contact(of personID: String) async throws -> (idNumber: String, phone: String)? {
        guard let ref = PersonRef(hex: personID) else { return nil }
        guard let row = try await db.read({ db in
            try Row.fetchOne(db, sql: "SELECT id_index, id_number_enc, phone_enc FROM person WHERE ref = ?", arguments: [Data(ref.bytes)])
        }) else { return nil }
        let index: [UInt8] = Array(row["id_index"] as Data)
        return (try cipher.openIDNumber(Array(row["id_number_enc"] as Data), index: index),
                try cipher.openPhone(Array(row["phone_enc"] as Data), index: index))
    }

    public func count() async throws -> Int {
        try await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") ?? 0 }
    }

    // MARK: - Rows

    static func insertDeclaration(_ db: Database, ref: PersonRef, _ d: HealthDeclaration, source: String, now: Int64,
                                  enteredBy: Int64? = nil) throws {
        try db.cachedStatement(sql: """
            INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact, entered_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [Data(ref.bytes), Day(unixSeconds: now).number, now, source, d.temperature,
                             d.symptoms.map(\.rawValue).joined(separator: ","), d.visited.joined(separator: ","), d.contact.rawValue,
                             enteredBy])
        let id = db.lastInsertedRowID
        for region in Set(d.visited) {
            try db.cachedStatement(sql: "INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, Data(ref.bytes), region, Day(unixSeconds: now).number])
        }
    }

    /// A new person: coloured and signed before the insert, so that the row is written once,
    /// with its code, in the same transaction as the declaration. Its reference is drawn by
    /// `makeRef` (time-ordered); in the rare case that one is taken (its 32 random bits repeat
    /// those of a person made in the same millisecond), the insert does nothing and another is
    /// drawn, and the person coloured and signed again with it.
    static func insertNew(_ db: Database, _ r: RegistrationData, index: [UInt8], idBox: [UInt8], phoneBox: [UInt8], meToken: String,
                          now: Int64, decide: HealthDecision,
                          makeRef: () throws -> PersonRef = { try PersonRef.timeOrdered(milliseconds: NewPerson.clockMilliseconds()) }) throws
        -> (PersonRecord, HealthRecord) {
        let risks = try SQLiteHealthRepository.riskList(db)
        while true {
            let ref = try makeRef()
            var health = NewPerson.record(ref, r, meToken: meToken, now: now)
            let person = health.person
            let update = try decide(health, risks)
            try db.cachedStatement(sql: """
                INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                    me_token, created_at, updated_at, status_version, color, reasons, code_payload,
                                    code_color, code_version, code_issued_at, code_expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (ref) DO NOTHING
                """).execute(arguments: StatementArguments([
                    Data(ref.bytes), r.kind.rawValue, person.status.rawValue, r.placeID, Data(index), Data(idBox),
                    Data(phoneBox), r.name, r.room, r.department, meToken, now, now,
                ] + (update.map(SQLiteHealthRepository.columns(of:)) ?? [0, nil, "[]", nil, nil, nil, nil, nil])))
            guard db.changesCount == 1 else { continue }  // the reference was taken: draw another
            try Self.insertDeclaration(db, ref: ref, r.declaration, source: "registration", now: now)
            if let update { health = HealthRecompute.updated(health, with: update) }
            return (person, health)
        }
    }

    /// The columns of a person record, in the order `person(_:)` reads them: every query that
    /// reads people selects them first (`SELECT \(columns), … FROM person`). Read by position:
    /// a lookup by name compares the name with every column's, case-insensitively.
    static let columns = "ref, kind, status, place_id, name, room, department, me_token, review_reason, created_at, updated_at"
    /// How many they are: the first column after them has this index.
    static let columnCount = 11

    static func person(_ row: Row) -> PersonRecord {
        PersonRecord(ref: PersonRef(bytes: Array(row[0] as Data))!, kind: PersonKind(rawValue: row[1]) ?? .resident,
                     status: PersonRecord.Status(rawValue: row[2]) ?? .pending, placeID: row[3], name: row[4],
                     room: row[5], department: row[6], meToken: row[7], reviewReason: row[8],
                     createdAt: row[9], updatedAt: row[10])
    }
}
