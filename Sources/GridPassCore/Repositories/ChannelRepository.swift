/// The grid's channel (CONTRACT §10): notices and their reads, problem reports, visitor
/// announcements. One contract, two backends (SQLite, PostgreSQL), one store test suite.
public protocol ChannelRepository: Sendable {
    // MARK: Notices
    func addNotice(placeID: Int64, title: String, text: String, urgent: Bool, expiresAt: Int64?, by userID: Int64?, name: String,
                   now: Int64) async throws -> NoticeRecord
    func notice(id: Int64) async throws -> NoticeRecord?
    /// Unexpired notices posted to any of `placeIDs` (a person's door and its ancestors), newest
    /// first, with whether `person` has read each.
    func notices(at placeIDs: [Int64], for person: PersonRef, now: Int64) async throws -> [PersonNotice]
    /// Marks a notice read by the person (once; later calls change nothing).
    func markNoticeRead(_ id: Int64, by person: PersonRef, now: Int64) async throws
    /// How many people registered at one of `placeIDs` the notice reached, and how many of them read it.
    func noticeReach(_ id: Int64, placeIDs: [Int64]) async throws -> (reached: Int, read: Int)
    /// The people registered at one of `placeIDs` who have not read the notice (name, door, room).
    func noticeUnread(_ id: Int64, placeIDs: [Int64]) async throws -> [CoveragePerson]
    /// Notices posted to one of `placeIDs`, newest first (created in `from..<to` when given).
    func notices(postedTo placeIDs: [Int64], from: Int64?, to: Int64?) async throws -> [NoticeRecord]

    // MARK: Problem reports
    func addProblem(placeID: Int64, gridID: Int64?, person: PersonRef?, phoneBox: [UInt8]?, category: ProblemCategory, text: String,
                    photo: [UInt8]?, now: Int64) async throws -> ProblemRecord
    func problem(id: Int64) async throws -> ProblemRecord?
    func problems(of person: PersonRef) async throws -> [ProblemRecord]
    /// Reports of doors in `placeIDs`, oldest first; only `status` when given, created in `from..<to` when given.
    func problems(placeIDs: [Int64], status: ProblemRecord.Status?, from: Int64?, to: Int64?) async throws -> [ProblemRecord]
    /// Stores the answer (status `answered`); nil when no such report or it is closed.
    func answerProblem(_ id: Int64, text: String, by userID: Int64?, name: String, now: Int64) async throws -> ProblemRecord?
    /// Closes it; nil when no such report.
    func closeProblem(_ id: Int64, by userID: Int64?, now: Int64) async throws -> ProblemRecord?
    /// The stored photo (re-encoded PNG) of a report.
    func problemPhoto(_ id: Int64) async throws -> [UInt8]?
    /// The sealed phone number of a report filed from a poster, for staff to call back.
    func problemPhone(_ id: Int64) async throws -> [UInt8]?

    // MARK: Visitors
    func addVisitor(host: PersonRef, communityID: Int64, name: String, phoneIndex: [UInt8], phoneBox: [UInt8], arrival: Day, days: Int,
                    now: Int64) async throws -> VisitorRecord
    /// Announcements to `communityID` whose stay covers `day`; only those with `phoneIndex` when given.
    func visitors(communityID: Int64, on day: Day?, phoneIndex: [UInt8]?) async throws -> [VisitorListing]
    func visitors(of host: PersonRef) async throws -> [VisitorRecord]

    // MARK: The weekly summary
    /// Active people registered at each of `placeIDs` before `before` (by place; places without anyone left out).
    func registered(placeIDs: [Int64], before: Int64) async throws -> [Int64: Int]
}
