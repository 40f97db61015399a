import Foundation
import GRDB
import GridPassCore

/// Notices, problem reports and visitors in SQLite (CONTRACT §10; PostgreSQL: the same contract).
public struct SQLiteChannelRepository: ChannelRepository {
    let db: DatabasePool

    public init(_ db: DatabasePool) { self.db = db }

    static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
    static func args(_ values: [any DatabaseValueConvertible]) -> StatementArguments { StatementArguments(values) }

    // MARK: - Notices

    static let noticeColumns = "n.id, n.place_id, n.title, n.text, n.urgent, n.created_at, n.expires_at, n.created_by_name"

    static func notice(_ r: Row) -> NoticeRecord {
        NoticeRecord(id: r[0], placeID: r[1], title: r[2], text: r[3], urgent: r[4], createdAt: r[5], expiresAt: r[6], createdByName: r[7])
    }

    public func addNotice(placeID: Int64, title: String, text: String, urgent: Bool, expiresAt: Int64?, by userID: Int64?, name: String,
                          now: Int64) async throws -> NoticeRecord {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO notice (place_id, title, text, urgent, created_at, expires_at, created_by, created_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [placeID, title, text, urgent, now, expiresAt, userID, name])
            return NoticeRecord(id: db.lastInsertedRowID, placeID: placeID, title: title, text: text, urgent: urgent, createdAt: now,
                                expiresAt: expiresAt, createdByName: name)
        }
    }

    public func notice(id: Int64) async throws -> NoticeRecord? {
        try await db.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.noticeColumns) FROM notice n WHERE n.id = ?", arguments: [id]).map(Self.notice) }
    }

    public func notices(at placeIDs: [Int64], for person: PersonRef, now: Int64) async throws -> [PersonNotice] {
        guard !placeIDs.isEmpty else { return [] }
        return try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.noticeColumns), EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = n.id AND r.person_ref = ?)
                FROM notice n WHERE n.place_id IN (\(Self.marks(placeIDs.count))) AND (n.expires_at IS NULL OR n.expires_at > ?)
                ORDER BY n.id DESC
                """, arguments: Self.args([Data(person.bytes)] + placeIDs + [now])).map { PersonNotice(notice: Self.notice($0), read: $0[8]) }
        }
    }

    public func markNoticeRead(_ id: Int64, by person: PersonRef, now: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO notice_read (notice_id, person_ref, at) VALUES (?, ?, ?)", arguments: [id, Data(person.bytes), now])
        }
    }

    public func noticeReach(_ id: Int64, placeIDs: [Int64]) async throws -> (reached: Int, read: Int) {
        guard !placeIDs.isEmpty else { return (0, 0) }
        return try await db.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COUNT(r.person_ref) FROM person p
                LEFT JOIN notice_read r ON r.notice_id = ? AND r.person_ref = p.ref
                WHERE p.place_id IN (\(Self.marks(placeIDs.count))) AND p.status = 'active'
                """, arguments: Self.args([id] + placeIDs))
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
    }

    public func noticeUnread(_ id: Int64, placeIDs: [Int64]) async throws -> [CoveragePerson] {
        guard !placeIDs.isEmpty else { return [] }
        return try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.ref, p.kind, p.status, p.place_id, p.name, p.room FROM person p
                WHERE p.place_id IN (\(Self.marks(placeIDs.count))) AND p.status = 'active'
                  AND NOT EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = ? AND r.person_ref = p.ref)
                ORDER BY p.place_id, p.room, p.name
                """, arguments: Self.args(placeIDs + [id])).compactMap { r in
                guard let ref = PersonRef(bytes: [UInt8](r[0] as Data)), let kind = PersonKind(rawValue: r[1]),
                      let status = PersonRecord.Status(rawValue: r[2]) else { return nil }
                return CoveragePerson(id: ref.hex, kind: kind, status: status, placeID: r[3], name: r[4], room: r[5], color: nil, lastReport: nil)
            }
        }
    }

    public func notices(postedTo placeIDs: [Int64], from: Int64?, to: Int64?) async throws -> [NoticeRecord] {
        guard !placeIDs.isEmpty else { return [] }
        return try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.noticeColumns) FROM notice n WHERE n.place_id IN (\(Self.marks(placeIDs.count)))
                  AND n.created_at >= ? AND n.created_at < ? ORDER BY n.id DESC
                """, arguments: Self.args(placeIDs + [from ?? Int64.min, to ?? Int64.max])).map(Self.notice)
        }
    }

    // MARK: - Problem reports

    static let problemColumns = """
        p.id, p.place_id, p.grid_id, p.person_ref, p.category, p.text, p.status, p.answer, p.photo IS NOT NULL, p.created_at,
        p.answered_at, p.answered_by_name, p.closed_at
        """

    static func problem(_ r: Row) -> ProblemRecord? {
        guard let category = ProblemCategory(rawValue: r[4]), let status = ProblemRecord.Status(rawValue: r[6]) else { return nil }
        let ref = (r[3] as Data?).flatMap { PersonRef(bytes: [UInt8]($0)) }
        return ProblemRecord(id: r[0], placeID: r[1], gridID: r[2], person: ref, category: category, text: r[5], status: status, answer: r[7],
                             hasPhoto: r[8], createdAt: r[9], answeredAt: r[10], answeredByName: r[11], closedAt: r[12])
    }

    public func addProblem(placeID: Int64, gridID: Int64?, person: PersonRef?, phoneBox: [UInt8]?, category: ProblemCategory, text: String,
                           photo: [UInt8]?, now: Int64) async throws -> ProblemRecord {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO problem (place_id, grid_id, person_ref, phone_box, category, text, photo, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
                """, arguments: [placeID, gridID, person.map { Data($0.bytes) }, phoneBox.map { Data($0) }, category.rawValue, text,
                                 photo.map { Data($0) }, now])
            return ProblemRecord(id: db.lastInsertedRowID, placeID: placeID, gridID: gridID, person: person, category: category, text: text,
                                 status: .open, answer: nil, hasPhoto: photo != nil, createdAt: now, answeredAt: nil, answeredByName: nil, closedAt: nil)
        }
    }

    public func problem(id: Int64) async throws -> ProblemRecord? {
        try await db.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.problemColumns) FROM problem p WHERE p.id = ?", arguments: [id]).flatMap(Self.problem) }
    }

    public func problems(of person: PersonRef) async throws -> [ProblemRecord] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.problemColumns) FROM problem p WHERE p.person_ref = ? ORDER BY p.id DESC",
                             arguments: [Data(person.bytes)]).compactMap(Self.problem)
        }
    }

    public func problems(placeIDs: [Int64], status: ProblemRecord.Status?, from: Int64?, to: Int64?) async throws -> [ProblemRecord] {
        guard !placeIDs.isEmpty else { return [] }
        return try await db.read { db in
            var sql = "SELECT \(Self.problemColumns) FROM problem p WHERE p.place_id IN (\(Self.marks(placeIDs.count))) AND p.created_at >= ? AND p.created_at < ?"
            var values: [any DatabaseValueConvertible] = placeIDs + [from ?? Int64.min, to ?? Int64.max]
            if let status { sql += " AND p.status = ?"; values.append(status.rawValue) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY p.id", arguments: Self.args(values)).compactMap(Self.problem)
        }
    }

    public func answerProblem(_ id: Int64, text: String, by userID: Int64?, name: String, now: Int64) async throws -> ProblemRecord? {
        try await db.write { db in
            try db.execute(sql: """
                UPDATE problem SET answer = ?, status = 'answered', answered_at = ?, answered_by = ?, answered_by_name = ?
                WHERE id = ? AND status != 'closed'
                """, arguments: [text, now, userID, name, id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(Self.problemColumns) FROM problem p WHERE p.id = ?", arguments: [id]).flatMap(Self.problem)
        }
    }

    public func closeProblem(_ id: Int64, by userID: Int64?, now: Int64) async throws -> ProblemRecord? {
        try await db.write { db in
            try db.execute(sql: "UPDATE problem SET status = 'closed', closed_at = COALESCE(closed_at, ?) WHERE id = ?", arguments: [now, id])
            return try Row.fetchOne(db, sql: "SELECT \(Self.problemColumns) FROM problem p WHERE p.id = ?", arguments: [id]).flatMap(Self.problem)
        }
    }

    public func problemPhoto(_ id: Int64) async throws -> [UInt8]? {
        try await db.read { db in try (Data.fetchOne(db, sql: "SELECT photo FROM problem WHERE id = ?", arguments: [id])).map { [UInt8]($0) } }
    }

    public func problemPhone(_ id: Int64) async throws -> [UInt8]? {
        try await db.read { db in try (Data.fetchOne(db, sql: "SELECT phone_box FROM problem WHERE id = ?", arguments: [id])).map { [UInt8]($0) } }
    }

    // MARK: - Visitors

    static let visitorColumns = "v.id, v.host_ref, v.community_id, v.name, v.arrival, v.days, v.created_at"

    static func visitor(_ r: Row) -> VisitorRecord? {
        guard let ref = PersonRef(bytes: [UInt8](r[1] as Data)) else { return nil }
        return VisitorRecord(id: r[0], host: ref, communityID: r[2], name: r[3], arrival: Day(number: r[4]), days: r[5], createdAt: r[6])
    }

    public func addVisitor(host: PersonRef, communityID: Int64, name: String, phoneIndex: [UInt8], phoneBox: [UInt8], arrival: Day, days: Int,
                           now: Int64) async throws -> VisitorRecord {
        let record = VisitorRecord(id: 0, host: host, communityID: communityID, name: name, arrival: arrival, days: days, createdAt: now)
        return try await db.write { db in
            try db.execute(sql: """
                INSERT INTO visitor (host_ref, community_id, name, phone_index, phone_box, arrival, until_day, days, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(host.bytes), communityID, name, Data(phoneIndex), Data(phoneBox), arrival.number, record.until.number, days, now])
            var stored = record
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func visitors(communityID: Int64, on day: Day?, phoneIndex: [UInt8]?) async throws -> [VisitorListing] {
        try await db.read { db in
            var sql = """
                SELECT \(Self.visitorColumns), p.name, p.place_id, p.room FROM visitor v JOIN person p ON p.ref = v.host_ref
                WHERE v.community_id = ?
                """
            var values: [any DatabaseValueConvertible] = [communityID]
            if let day { sql += " AND v.arrival <= ? AND v.until_day >= ?"; values += [day.number, day.number] }
            if let phoneIndex { sql += " AND v.phone_index = ?"; values.append(Data(phoneIndex)) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY v.arrival, v.id", arguments: Self.args(values)).compactMap { r in
                Self.visitor(r).map { VisitorListing(visitor: $0, hostName: r[7], hostPlaceID: r[8], hostRoom: r[9]) }
            }
        }
    }

    public func visitors(of host: PersonRef) async throws -> [VisitorRecord] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.visitorColumns) FROM visitor v WHERE v.host_ref = ? ORDER BY v.arrival DESC, v.id DESC",
                             arguments: [Data(host.bytes)]).compactMap(Self.visitor)
        }
    }

    // MARK: - Summary

    public func registered(placeIDs: [Int64], before: Int64) async throws -> [Int64: Int] {
        guard !placeIDs.isEmpty else { return [:] }
        return try await db.read { db in
            var out: [Int64: Int] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT place_id, COUNT(*) FROM person WHERE place_id IN (\(Self.marks(placeIDs.count))) AND status = 'active' AND created_at < ?
                GROUP BY place_id
                """, arguments: Self.args(placeIDs + [before])) {
                out[r[0]] = r[1]
            }
            return out
        }
    }
}
