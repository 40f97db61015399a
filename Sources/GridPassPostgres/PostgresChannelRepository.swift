import Foundation
import GridPassCore
import PostgresNIO

/// Notices, problem reports and visitors on PostgreSQL: the same contract as SQLite's. Nothing
/// is kept on a node: what one node stores is read by the next request on any node.
public struct PostgresChannelRepository: ChannelRepository {
    let database: PostgresDatabase

    public init(_ database: PostgresDatabase) { self.database = database }

    var logger: Logger { database.logger }

    // MARK: - Notices

    static let noticeColumns = "n.id, n.place_id, n.title, n.text, n.urgent, n.created_at, n.expires_at, n.created_by_name"

    static func notice(_ c: Cells) throws -> NoticeRecord {
        NoticeRecord(id: try c.get(0), placeID: try c.get(1), title: try c.get(2), text: try c.get(3), urgent: try c.get(4, as: Int64.self) != 0,
                     createdAt: try c.get(5), expiresAt: try c.get(6, as: Int64?.self), createdByName: try c.get(7))
    }

    public func addNotice(placeID: Int64, title: String, text: String, urgent: Bool, expiresAt: Int64?, by userID: Int64?, name: String,
                          now: Int64) async throws -> NoticeRecord {
        let ids = try await database.write("""
            INSERT INTO notice (place_id, title, text, urgent, created_at, expires_at, created_by, created_by_name)
            VALUES (\(placeID), \(title), \(text), \(Int64(urgent ? 1 : 0)), \(now), \(expiresAt), \(userID), \(name)) RETURNING id
            """) { try $0.get(0, as: Int64.self) }
        guard let id = ids.first else { throw PostgresRowError("a notice was not inserted") }
        return NoticeRecord(id: id, placeID: placeID, title: title, text: text, urgent: urgent, createdAt: now, expiresAt: expiresAt, createdByName: name)
    }

    public func notice(id: Int64) async throws -> NoticeRecord? {
        try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.noticeColumns) FROM notice n WHERE n.id = $1", binds: try binds(id))) {
            try Self.notice($0)
        }.first
    }

    public func notices(at placeIDs: [Int64], for person: PersonRef, now: Int64) async throws -> [PersonNotice] {
        var b = PostgresBindings()
        try b.append(placeIDs); try b.append(Data(person.bytes)); try b.append(now)
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.noticeColumns), EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = n.id AND r.person_ref = $2)
            FROM notice n WHERE n.place_id = ANY($1) AND (n.expires_at IS NULL OR n.expires_at > $3)
            ORDER BY n.id DESC
            """, binds: b)) { PersonNotice(notice: try Self.notice($0), read: try $0.get(8)) }
    }

    public func markNoticeRead(_ id: Int64, by person: PersonRef, now: Int64) async throws {
        try await database.write("""
            INSERT INTO notice_read (notice_id, person_ref, at) VALUES (\(id), \(Data(person.bytes)), \(now)) ON CONFLICT DO NOTHING
            """)
    }

    public func noticeReach(_ id: Int64, placeIDs: [Int64]) async throws -> (reached: Int, read: Int) {
        try await database.client.rows("""
            SELECT COUNT(*), COUNT(r.person_ref) FROM person p
            LEFT JOIN notice_read r ON r.notice_id = \(id) AND r.person_ref = p.ref
            WHERE p.place_id = ANY(\(placeIDs)) AND p.status = 'active'
            """) { (try $0.get(0, as: Int.self), try $0.get(1, as: Int.self)) }.first ?? (0, 0)
    }

    public func noticeUnread(_ id: Int64, placeIDs: [Int64]) async throws -> [CoveragePerson] {
        try await database.client.rows("""
            SELECT p.ref, p.kind, p.status, p.place_id, p.name, p.room FROM person p
            WHERE p.place_id = ANY(\(placeIDs)) AND p.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = \(id) AND r.person_ref = p.ref)
            ORDER BY p.place_id, p.room, p.name
            """) { c -> CoveragePerson? in
            guard let ref = PersonRef(bytes: try c.get(0, as: Data.self)), let kind = PersonKind(rawValue: try c.get(1)),
                  let status = PersonRecord.Status(rawValue: try c.get(2)) else { return nil }
            return CoveragePerson(id: ref.hex, kind: kind, status: status, placeID: try c.get(3), name: try c.get(4), room: try c.get(5, as: String?.self),
                                  color: nil, lastReport: nil)
        }.compactMap { $0 }
    }

    public func notices(postedTo placeIDs: [Int64], from: Int64?, to: Int64?) async throws -> [NoticeRecord] {
        var b = PostgresBindings()
        try b.append(placeIDs); try b.append(from ?? Int64.min); try b.append(to ?? Int64.max)
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.noticeColumns) FROM notice n WHERE n.place_id = ANY($1) AND n.created_at >= $2 AND n.created_at < $3 ORDER BY n.id DESC
            """, binds: b)) { try Self.notice($0) }
    }

    // MARK: - Problem reports

    static let problemColumns = """
        p.id, p.place_id, p.grid_id, p.person_ref, p.category, p.text, p.status, p.answer, p.photo IS NOT NULL, p.created_at,
        p.answered_at, p.answered_by_name, p.closed_at
        """

    static func problem(_ c: Cells) throws -> ProblemRecord? {
        guard let category = ProblemCategory(rawValue: try c.get(4)), let status = ProblemRecord.Status(rawValue: try c.get(6)) else { return nil }
        let ref = try c.get(3, as: Data?.self).flatMap { PersonRef(bytes: $0) }
        return ProblemRecord(id: try c.get(0), placeID: try c.get(1), gridID: try c.get(2, as: Int64?.self), person: ref, category: category,
                             text: try c.get(5), status: status, answer: try c.get(7, as: String?.self), hasPhoto: try c.get(8),
                             createdAt: try c.get(9), answeredAt: try c.get(10, as: Int64?.self), answeredByName: try c.get(11, as: String?.self),
                             closedAt: try c.get(12, as: Int64?.self))
    }

    public func addProblem(placeID: Int64, gridID: Int64?, person: PersonRef?, phoneBox: [UInt8]?, category: ProblemCategory, text: String,
                           photo: [UInt8]?, now: Int64) async throws -> ProblemRecord {
        let ids = try await database.write("""
            INSERT INTO problem (place_id, grid_id, person_ref, phone_box, category, text, photo, status, created_at)
            VALUES (\(placeID), \(gridID), \(person.map { Data($0.bytes) }), \(phoneBox.map { Data($0) }), \(category.rawValue), \(text),
                    \(photo.map { Data($0) }), 'open', \(now))
            RETURNING id
            """) { try $0.get(0, as: Int64.self) }
        guard let id = ids.first else { throw PostgresRowError("a problem report was not inserted") }
        return ProblemRecord(id: id, placeID: placeID, gridID: gridID, person: person, category: category, text: text, status: .open, answer: nil,
                             hasPhoto: photo != nil, createdAt: now, answeredAt: nil, answeredByName: nil, closedAt: nil)
    }

    public func problem(id: Int64) async throws -> ProblemRecord? {
        try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.problemColumns) FROM problem p WHERE p.id = $1", binds: try binds(id))) {
            try Self.problem($0)
        }.first ?? nil
    }

    public func problems(of person: PersonRef) async throws -> [ProblemRecord] {
        try await database.client.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.problemColumns) FROM problem p WHERE p.person_ref = $1 ORDER BY p.id DESC",
                                                     binds: try binds(Data(person.bytes)))) { try Self.problem($0) }.compactMap { $0 }
    }

    public func problems(placeIDs: [Int64], status: ProblemRecord.Status?, from: Int64?, to: Int64?) async throws -> [ProblemRecord] {
        var b = PostgresBindings()
        try b.append(placeIDs); try b.append(from ?? Int64.min); try b.append(to ?? Int64.max)
        if let status { try b.append(status.rawValue) } else { b.appendNull() }
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.problemColumns) FROM problem p
            WHERE p.place_id = ANY($1) AND p.created_at >= $2 AND p.created_at < $3 AND ($4::text IS NULL OR p.status = $4)
            ORDER BY p.id
            """, binds: b)) { try Self.problem($0) }.compactMap { $0 }
    }

    public func answerProblem(_ id: Int64, text: String, by userID: Int64?, name: String, now: Int64) async throws -> ProblemRecord? {
        try await database.write(PostgresQuery(unsafeSQL: """
            UPDATE problem p SET answer = $2, status = 'answered', answered_at = $3, answered_by = $4, answered_by_name = $5
            WHERE p.id = $1 AND p.status != 'closed' RETURNING \(Self.problemColumns)
            """, binds: try Self.answerBinds(id, text, now, userID, name))) { try Self.problem($0) }.first ?? nil
    }

    static func answerBinds(_ id: Int64, _ text: String, _ now: Int64, _ userID: Int64?, _ name: String) throws -> PostgresBindings {
        var b = PostgresBindings()
        try b.append(id); try b.append(text); try b.append(now)
        if let userID { try b.append(userID) } else { b.appendNull() }
        try b.append(name)
        return b
    }

    public func closeProblem(_ id: Int64, by userID: Int64?, now: Int64) async throws -> ProblemRecord? {
        var b = PostgresBindings()
        try b.append(id); try b.append(now)
        return try await database.write(PostgresQuery(unsafeSQL: """
            UPDATE problem p SET status = 'closed', closed_at = COALESCE(p.closed_at, $2) WHERE p.id = $1 RETURNING \(Self.problemColumns)
            """, binds: b)) { try Self.problem($0) }.first ?? nil
    }

    public func problemPhoto(_ id: Int64) async throws -> [UInt8]? {
        try await database.client.rows("SELECT photo FROM problem WHERE id = \(id)") { try $0.get(0, as: Data?.self) }.first?.map { [UInt8]($0) }
    }

    public func problemPhone(_ id: Int64) async throws -> [UInt8]? {
        try await database.client.rows("SELECT phone_box FROM problem WHERE id = \(id)") { try $0.get(0, as: Data?.self) }.first?.map { [UInt8]($0) }
    }

    // MARK: - Visitors

    static let visitorColumns = "v.id, v.host_ref, v.community_id, v.name, v.arrival, v.days, v.created_at"

    static func visitor(_ c: Cells) throws -> VisitorRecord? {
        guard let ref = PersonRef(bytes: try c.get(1, as: Data.self)) else { return nil }
        return VisitorRecord(id: try c.get(0), host: ref, communityID: try c.get(2), name: try c.get(3),
                             arrival: Day(number: Int(try c.get(4, as: Int32.self))), days: Int(try c.get(5, as: Int32.self)), createdAt: try c.get(6))
    }

    public func addVisitor(host: PersonRef, communityID: Int64, name: String, phoneIndex: [UInt8], phoneBox: [UInt8], arrival: Day, days: Int,
                           now: Int64) async throws -> VisitorRecord {
        var record = VisitorRecord(id: 0, host: host, communityID: communityID, name: name, arrival: arrival, days: days, createdAt: now)
        let ids = try await database.write("""
            INSERT INTO visitor (host_ref, community_id, name, phone_index, phone_box, arrival, until_day, days, created_at)
            VALUES (\(Data(host.bytes)), \(communityID), \(name), \(Data(phoneIndex)), \(Data(phoneBox)), \(Int32(arrival.number)),
                    \(Int32(record.until.number)), \(Int32(days)), \(now))
            RETURNING id
            """) { try $0.get(0, as: Int64.self) }
        guard let id = ids.first else { throw PostgresRowError("a visitor was not inserted") }
        record.id = id
        return record
    }

    public func visitors(communityID: Int64, on day: Day?, phoneIndex: [UInt8]?) async throws -> [VisitorListing] {
        var b = PostgresBindings()
        try b.append(communityID)
        if let day { try b.append(Int32(day.number)) } else { b.appendNull() }
        if let phoneIndex { try b.append(Data(phoneIndex)) } else { b.appendNull() }
        return try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.visitorColumns), p.name, p.place_id, p.room FROM visitor v JOIN person p ON p.ref = v.host_ref
            WHERE v.community_id = $1 AND ($2::integer IS NULL OR (v.arrival <= $2 AND v.until_day >= $2))
              AND ($3::bytea IS NULL OR v.phone_index = $3)
            ORDER BY v.arrival, v.id
            """, binds: b)) { c -> VisitorListing? in
            try Self.visitor(c).map { VisitorListing(visitor: $0, hostName: try c.get(7), hostPlaceID: try c.get(8), hostRoom: try c.get(9, as: String?.self)) }
        }.compactMap { $0 }
    }

    public func visitors(of host: PersonRef) async throws -> [VisitorRecord] {
        try await database.client.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.visitorColumns) FROM visitor v WHERE v.host_ref = $1 ORDER BY v.arrival DESC, v.id DESC
            """, binds: try binds(Data(host.bytes)))) { try Self.visitor($0) }.compactMap { $0 }
    }

    // MARK: - Summary

    public func registered(placeIDs: [Int64], before: Int64) async throws -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        for (place, n) in try await database.client.rows("""
            SELECT place_id, COUNT(*) FROM person WHERE place_id = ANY(\(placeIDs)) AND status = 'active' AND created_at < \(before)
            GROUP BY place_id
            """, { (try $0.get(0, as: Int64.self), try $0.get(1, as: Int.self)) }) {
            out[place] = n
        }
        return out
    }
}
