import Foundation
import GRDB
import GridPassCore

/// Health cards and appeals in SQLite (CONTRACT §11; PostgreSQL: the same contract, the same
/// store tests).
extension SQLiteHealthRepository {
    // MARK: - Health cards

    public func issueCard(_ ref: PersonRef, cardHash: [UInt8], by userID: Int64?, now: Int64) async throws {
        // A card's revocation changes what a scan of the old card answers: counted like any change.
        try await writer.write { db in
            try db.execute(sql: "UPDATE health_card SET revoked_at = ? WHERE person_ref = ? AND revoked_at IS NULL",
                           arguments: [now, Data(ref.bytes)])
            try db.execute(sql: "INSERT INTO health_card (person_ref, card_hash, created_at, created_by) VALUES (?, ?, ?, ?)",
                           arguments: [Data(ref.bytes), Data(cardHash), now, userID])
        }
    }

    public func card(hash: [UInt8]) async throws -> StoredCard? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT person_ref, created_at, revoked_at FROM health_card WHERE card_hash = ?",
                             arguments: [Data(hash)]).flatMap { row in
                PersonRef(bytes: [UInt8](row["person_ref"] as Data)).map { StoredCard(person: $0, createdAt: row["created_at"], revokedAt: row["revoked_at"]) }
            }
        }
    }

    // MARK: - Appeals

    static let appealColumns = "a.id, a.person_ref, a.reason, a.status, a.created_at, a.decided_at, a.decided_by_name, a.decision_reason"

    static func appeal(_ row: Row) -> AppealRecord? {
        guard let ref = PersonRef(bytes: [UInt8](row[1] as Data)), let status = AppealRecord.Status(rawValue: row[3]) else { return nil }
        return AppealRecord(id: row[0], person: ref, reason: row[2], status: status, createdAt: row[4], decidedAt: row[5],
                            decidedByName: row[6], decisionReason: row[7])
    }

    public func openAppeal(_ ref: PersonRef, reason: String, now: Int64) async throws -> AppealRecord {
        try await writer.write(changesStandings: false) { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM appeal WHERE person_ref = ? AND status = 'open')",
                                 arguments: [Data(ref.bytes)]) == true {
                throw AppealError.alreadyOpen
            }
            try db.execute(sql: "INSERT INTO appeal (person_ref, reason, status, created_at) VALUES (?, ?, 'open', ?)",
                           arguments: [Data(ref.bytes), reason, now])
            return AppealRecord(id: db.lastInsertedRowID, person: ref, reason: reason, status: .open, createdAt: now)
        }
    }

    public func appeals(of ref: PersonRef) async throws -> [AppealRecord] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.appealColumns) FROM appeal a WHERE a.person_ref = ? ORDER BY a.id DESC",
                             arguments: [Data(ref.bytes)]).compactMap(Self.appeal)
        }
    }

    public func appeals(placeIDs: [Int64]?, status: AppealRecord.Status?) async throws -> [AppealListing] {
        try await db.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let status { conditions.append("a.status = ?"); arguments.append(status.rawValue) }
            if let placeIDs {
                guard !placeIDs.isEmpty else { return [] }
                conditions.append("p.place_id IN (\(placeIDs.map { _ in "?" }.joined(separator: ", ")))")
                arguments += placeIDs.map { $0 as any DatabaseValueConvertible }
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.appealColumns), p.place_id, p.name FROM appeal a JOIN person p ON p.ref = a.person_ref
                \(filter) ORDER BY a.id
                """, arguments: StatementArguments(arguments)).compactMap { row in
                Self.appeal(row).map { AppealListing(appeal: $0, placeID: row[8], name: row[9]) }
            }
        }
    }

    public func appeal(id: Int64) async throws -> AppealRecord? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.appealColumns) FROM appeal a WHERE a.id = ?", arguments: [id]).flatMap(Self.appeal)
        }
    }

    public func declarations(of ref: PersonRef) async throws -> [StoredDeclaration] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, source, temperature, symptoms, visited, contact, entered_by, struck_at
                FROM declaration WHERE person_ref = ? ORDER BY id
                """, arguments: [Data(ref.bytes)]).map { d in
                StoredDeclaration(id: d[0], at: d[1], source: d[2], temperature: d[3], symptoms: HealthReasonCoding.list(d[4]),
                                  visited: HealthReasonCoding.list(d[5]), contact: d[6], enteredBy: d[7], struckAt: d[8])
            }
        }
    }

    public func decideAppeal(id: Int64, upheld: Bool, reason: String, by userID: Int64?, name: String, correction: AppealCorrection,
                             now: Int64, decide: @escaping HealthDecision) async throws -> (AppealRecord, HealthRecord?) {
        try await writer.write { db in
            guard var appeal = try Row.fetchOne(db, sql: "SELECT \(Self.appealColumns) FROM appeal a WHERE a.id = ?",
                                                arguments: [id]).flatMap(Self.appeal) else { throw AppealError.notFound }
            guard appeal.status == .open else { throw AppealError.notOpen }
            let key = Data(appeal.person.bytes)
            if upheld {
                let strike = Array(Set(correction.strike)).sorted()
                if !strike.isEmpty {
                    let marks = strike.map { _ in "?" }.joined(separator: ", ")
                    let own = Set(try Int64.fetchAll(db, sql: "SELECT id FROM declaration WHERE person_ref = ? AND id IN (\(marks))",
                                                     arguments: StatementArguments([key] + strike.map { $0 as any DatabaseValueConvertible })))
                    let foreign = strike.filter { !own.contains($0) }
                    guard foreign.isEmpty else { throw AppealError.foreignDeclarations(foreign) }
                    try db.execute(sql: "UPDATE declaration SET struck_at = ? WHERE struck_at IS NULL AND id IN (\(marks))",
                                   arguments: StatementArguments([now] + strike))
                    try db.execute(sql: "DELETE FROM declaration_region WHERE declaration_id IN (\(marks))", arguments: StatementArguments(strike))
                }
                let unvisit = Set(correction.unvisit)
                if !unvisit.isEmpty {
                    for row in try Row.fetchAll(db, sql: "SELECT id, visited FROM declaration WHERE person_ref = ?", arguments: [key]) {
                        let visited = HealthReasonCoding.list(row[1])
                        let kept = visited.filter { !unvisit.contains($0) }
                        if kept.count != visited.count {
                            try db.execute(sql: "UPDATE declaration SET visited = ? WHERE id = ?", arguments: [kept.joined(separator: ","), row[0] as Int64])
                        }
                    }
                    for region in unvisit.sorted() {
                        try db.execute(sql: "DELETE FROM declaration_region WHERE person_ref = ? AND region = ?", arguments: [key, region])
                    }
                }
            }
            appeal.status = upheld ? .upheld : .dismissed
            appeal.decidedAt = now
            appeal.decidedByName = name
            appeal.decisionReason = reason
            try db.execute(sql: """
                UPDATE appeal SET status = ?, decided_at = ?, decided_by = ?, decided_by_name = ?, decision_reason = ? WHERE id = ?
                """, arguments: [appeal.status.rawValue, now, userID, name, reason, id])
            return (appeal, try Self.apply(appeal.person, db, decide: decide))
        }
    }
}
