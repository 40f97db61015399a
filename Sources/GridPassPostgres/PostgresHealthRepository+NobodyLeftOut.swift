import Foundation
import GridPassCore
import PostgresNIO

/// Health cards and appeals on PostgreSQL: the same contract as SQLite's. Every read goes to the
/// database (no node keeps a card or an appeal), so a re-print or a decision on one node is in
/// force at the next request on every node.
extension PostgresHealthRepository {
    // MARK: - Health cards

    public func issueCard(_ ref: PersonRef, cardHash: [UInt8], by userID: Int64?, now: Int64) async throws {
        try await database.transaction { connection in
            let key = Data(ref.bytes)
            // The person's row first: two re-prints on two nodes take turns, one card stays valid.
            try await connection.query("SELECT 1 FROM person WHERE ref = \(key) FOR UPDATE", logger: logger)
            try await connection.query("UPDATE health_card SET revoked_at = \(now) WHERE person_ref = \(key) AND revoked_at IS NULL",
                                       logger: logger)
            try await connection.query("""
                INSERT INTO health_card (person_ref, card_hash, created_at, created_by) VALUES (\(key), \(Data(cardHash)), \(now), \(userID))
                """, logger: logger)
        }
    }

    public func card(hash: [UInt8]) async throws -> StoredCard? {
        try await database.client.rows("""
            SELECT person_ref, created_at, revoked_at FROM health_card WHERE card_hash = \(Data(hash))
            """) { c -> StoredCard? in
            guard let ref = PersonRef(bytes: try c.get(0, as: Data.self)) else { return nil }
            return StoredCard(person: ref, createdAt: try c.get(1), revokedAt: try c.get(2, as: Int64?.self))
        }.first ?? nil
    }

    // MARK: - Appeals

    static let appealColumns = "a.id, a.person_ref, a.reason, a.status, a.created_at, a.decided_at, a.decided_by_name, a.decision_reason"

    static func appeal(_ c: Cells) throws -> AppealRecord? {
        guard let ref = PersonRef(bytes: try c.get(1, as: Data.self)), let status = AppealRecord.Status(rawValue: try c.get(3)) else { return nil }
        return AppealRecord(id: try c.get(0), person: ref, reason: try c.get(2), status: status, createdAt: try c.get(4),
                            decidedAt: try c.get(5, as: Int64?.self), decidedByName: try c.get(6, as: String?.self),
                            decisionReason: try c.get(7, as: String?.self))
    }

    public func openAppeal(_ ref: PersonRef, reason: String, now: Int64) async throws -> AppealRecord {
        do {
            let ids = try await database.write("""
                INSERT INTO appeal (person_ref, reason, status, created_at) VALUES (\(Data(ref.bytes)), \(reason), 'open', \(now)) RETURNING id
                """) { try $0.get(0, as: Int64.self) }
            guard let id = ids.first else { throw PostgresRowError("an appeal was not inserted") }
            return AppealRecord(id: id, person: ref, reason: reason, status: .open, createdAt: now)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AppealError.alreadyOpen  // appeal_one_open: one open appeal a person, on every node
        }
    }

    public func appeals(of ref: PersonRef) async throws -> [AppealRecord] {
        try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.appealColumns) FROM appeal a WHERE a.person_ref = $1 ORDER BY a.id DESC
            """, binds: try GridPassPostgres.binds(Data(ref.bytes)))) { try Self.appeal($0) }.compactMap { $0 }
    }

    public func appeals(placeIDs: [Int64]?, status: AppealRecord.Status?) async throws -> [AppealListing] {
        if let placeIDs, placeIDs.isEmpty { return [] }
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.appealColumns), p.place_id, p.name FROM appeal a JOIN person p ON p.ref = a.person_ref
            WHERE ($1::text IS NULL OR a.status = $1) AND ($2::bigint[] IS NULL OR p.place_id = ANY($2))
            ORDER BY a.id
            """, binds: try Self.listBinds(status?.rawValue, placeIDs))) { c -> AppealListing? in
            try Self.appeal(c).map { AppealListing(appeal: $0, placeID: try c.get(8), name: try c.get(9)) }
        }.compactMap { $0 }
    }

    static func listBinds(_ status: String?, _ placeIDs: [Int64]?) throws -> PostgresBindings {
        var binds = PostgresBindings()
        if let status { try binds.append(status) } else { binds.appendNull() }
        if let placeIDs { try binds.append(placeIDs) } else { binds.appendNull() }
        return binds
    }

    public func appeal(id: Int64) async throws -> AppealRecord? {
        try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.appealColumns) FROM appeal a WHERE a.id = $1",
                                                     binds: try GridPassPostgres.binds(id))) { try Self.appeal($0) }.first ?? nil
    }

    public func declarations(of ref: PersonRef) async throws -> [StoredDeclaration] {
        try await database.client.rows("""
            SELECT id, at, source, temperature, symptoms, visited, contact, entered_by, struck_at
            FROM declaration WHERE person_ref = \(Data(ref.bytes)) ORDER BY id
            """) { d in
            StoredDeclaration(id: try d.get(0), at: try d.get(1), source: try d.get(2), temperature: try d.get(3),
                              symptoms: HealthReasonCoding.list(try d.get(4)), visited: HealthReasonCoding.list(try d.get(5)),
                              contact: try d.get(6), enteredBy: try d.get(7, as: Int64?.self), struckAt: try d.get(8, as: Int64?.self))
        }
    }

    public func decideAppeal(id: Int64, upheld: Bool, reason: String, by userID: Int64?, name: String, correction: AppealCorrection,
                             now: Int64, decide: @escaping HealthDecision) async throws -> (AppealRecord, HealthRecord?) {
        try await database.transaction { connection in
            let logger = logger
            // The appeal's row locked: two decisions on two nodes take turns, the second finds it decided.
            guard var appeal = try await connection.rows(PostgresQuery(unsafeSQL: """
                SELECT \(Self.appealColumns) FROM appeal a WHERE a.id = $1 FOR UPDATE
                """, binds: try GridPassPostgres.binds(id)), logger: logger, { try Self.appeal($0) }).first ?? nil else { throw AppealError.notFound }
            guard appeal.status == .open else { throw AppealError.notOpen }
            let key = Data(appeal.person.bytes)
            if upheld {
                let strike = Array(Set(correction.strike)).sorted()
                if !strike.isEmpty {
                    let own = Set(try await connection.rows("""
                        SELECT id FROM declaration WHERE person_ref = \(key) AND id = ANY(\(strike))
                        """, logger: logger) { try $0.get(0, as: Int64.self) })
                    let foreign = strike.filter { !own.contains($0) }
                    guard foreign.isEmpty else { throw AppealError.foreignDeclarations(foreign) }
                    try await connection.query("UPDATE declaration SET struck_at = \(now) WHERE struck_at IS NULL AND id = ANY(\(strike))",
                                               logger: logger)
                    try await connection.query("DELETE FROM declaration_region WHERE declaration_id = ANY(\(strike))", logger: logger)
                }
                let unvisit = Set(correction.unvisit)
                if !unvisit.isEmpty {
                    let rows = try await connection.rows("SELECT id, visited FROM declaration WHERE person_ref = \(key)", logger: logger) {
                        (try $0.get(0, as: Int64.self), HealthReasonCoding.list(try $0.get(1, as: String.self)))
                    }
                    for (declaration, visited) in rows {
                        let kept = visited.filter { !unvisit.contains($0) }
                        if kept.count != visited.count {
                            try await connection.query("UPDATE declaration SET visited = \(kept.joined(separator: ",")) WHERE id = \(declaration)",
                                                       logger: logger)
                        }
                    }
                    let regions = unvisit.sorted()
                    try await connection.query("DELETE FROM declaration_region WHERE person_ref = \(key) AND region = ANY(\(regions))",
                                               logger: logger)
                }
            }
            appeal.status = upheld ? .upheld : .dismissed
            appeal.decidedAt = now
            appeal.decidedByName = name
            appeal.decisionReason = reason
            try await connection.query("""
                UPDATE appeal SET status = \(appeal.status.rawValue), decided_at = \(now), decided_by = \(userID),
                                  decided_by_name = \(name), decision_reason = \(reason)
                WHERE id = \(id)
                """, logger: logger)
            let record = try await Self.apply(appeal.person, connection, logger: logger, decide: decide)
            return (appeal, record)
        }
    }
}
