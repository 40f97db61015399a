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
        let index = try cipher.index(idNumber: r.idNumber)
        let fresh = try PersonRef.random()
        let meToken = Base32.encode(try SecureRandom.bytes(20))
        // Encrypt outside the write lock; the context binds each box to its field and index.
        let idBox = try cipher.seal(r.idNumber, context: Array("id_number".utf8) + index)
        let phoneBox = try cipher.seal(r.phone, context: Array("phone".utf8) + index)
        return try await writer.write { db in
            let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM person WHERE place_id = ? AND id_index = ?"),
                                            arguments: [r.placeID, Data(index)])
            let ref: PersonRef
            let created = existing == nil
            if let existing {
                // Only the holder of the registered phone may update it: knowing someone's
                // identity number must not be enough to take over their record and page.
                let stored = try cipher.open(Array(existing["phone_enc"] as Data), context: Array("phone".utf8) + index)
                guard stored == r.phone else { throw RegistrationConflict.phoneMismatch }
                ref = Self.person(existing).ref
                try db.cachedStatement(sql: """
                    UPDATE person SET name = ?, room = ?, department = ?, id_number_enc = ?, phone_enc = ?, updated_at = ?
                    WHERE ref = ?
                    """).execute(arguments: [r.name, r.room, r.department, Data(idBox), Data(phoneBox), now, Data(ref.bytes)])
            } else {
                ref = fresh
                try db.cachedStatement(sql: """
                    INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                        me_token, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [Data(ref.bytes), r.kind.rawValue, r.kind == .resident ? "active" : "pending", r.placeID,
                                     Data(index), Data(idBox), Data(phoneBox), r.name, r.room, r.department, meToken, now, now])
            }
            try Self.insertDeclaration(db, ref: ref, r.declaration, source: "registration", now: now)
            // Colour the person and sign their code in the same transaction: one commit.
            let health = try SQLiteHealthRepository.apply(ref, db, decide: decide)
            guard let person = health?.person else { throw DatabaseError(message: "registered person vanished") }
            return (person, health, created)
        }
    }

    public func person(id: String) async throws -> PersonRecord? {
        guard let ref = PersonRef(hex: id) else { return nil }
        return try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM person WHERE ref = ?", arguments: [Data(ref.bytes)]).map(Self.person)
        }
    }

    public func person(meToken: String) async throws -> PersonRecord? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM person WHERE me_token = ?", arguments: [meToken]).map(Self.person)
        }
    }

    public func pendingWorkers(enterpriseID: Int64?) async throws -> [PersonRecord] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM person WHERE kind = 'worker' AND status = 'pending' AND (? IS NULL OR place_id = ?)
                ORDER BY created_at, name
                """, arguments: [enterpriseID, enterpriseID]).map(Self.person)
        }
    }

    public func review(personID: String, approve: Bool, reason: String?, now: Int64) async throws -> PersonRecord {
        guard let ref = PersonRef(hex: personID) else { throw RepositoryError.notFound("no person has the id '\(personID)'") }
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM person WHERE ref = ?", arguments: [Data(ref.bytes)]) else {
                throw RepositoryError.notFound("no person has the id '\(personID)'")
            }
            let person = Self.person(row)
            guard person.kind == .worker else { throw RepositoryError.invalid("\(personID) is a resident, not a worker to review") }
            try db.execute(sql: "UPDATE person SET status = ?, review_reason = ?, updated_at = ? WHERE ref = ?",
                           arguments: [approve ? "active" : "rejected", reason, now, Data(ref.bytes)])
            return Self.person(try Row.fetchOne(db, sql: "SELECT * FROM person WHERE ref = ?", arguments: [Data(ref.bytes)])!)
        }
    }

    public func contact(of personID: String) async throws -> (idNumber: String, phone: String)? {
        guard let ref = PersonRef(hex: personID) else { return nil }
        guard let row = try await db.read({ db in
            try Row.fetchOne(db, sql: "SELECT id_index, id_number_enc, phone_enc FROM person WHERE ref = ?", arguments: [Data(ref.bytes)])
        }) else { return nil }
        let index: [UInt8] = Array(row["id_index"] as Data)
        return (try cipher.open(Array(row["id_number_enc"] as Data), context: Array("id_number".utf8) + index),
                try cipher.open(Array(row["phone_enc"] as Data), context: Array("phone".utf8) + index))
    }

    public func count() async throws -> Int {
        try await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") ?? 0 }
    }

    // MARK: - Rows

    static func insertDeclaration(_ db: Database, ref: PersonRef, _ d: HealthDeclaration, source: String, now: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [Data(ref.bytes), Day(unixSeconds: now).number, now, source, d.temperature,
                             d.symptoms.map(\.rawValue).joined(separator: ","), d.visited.joined(separator: ","), d.contact.rawValue])
        let id = db.lastInsertedRowID
        for region in Set(d.visited) {
            try db.cachedStatement(sql: "INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, Data(ref.bytes), region, Day(unixSeconds: now).number])
        }
    }

    static func person(_ row: Row) -> PersonRecord {
        PersonRecord(ref: PersonRef(bytes: Array(row["ref"] as Data))!, kind: PersonKind(rawValue: row["kind"]) ?? .resident,
                     status: PersonRecord.Status(rawValue: row["status"]) ?? .pending, placeID: row["place_id"], name: row["name"],
                     room: row["room"], department: row["department"], meToken: row["me_token"], reviewReason: row["review_reason"],
                     createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
