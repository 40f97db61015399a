import Foundation
import GridPassCore
import QRImaging

/// The grid's channel (CONTRACT §10): the steps shared by the JSON API, the personal page, the
/// staff pages and the CLI, with one set of scope checks.
struct ChannelService: Sendable {
    let services: AppServices

    enum Refusal: Error, Equatable { case notFound, forbidden }

    /// The place of `code` when `user` is staff or an admin covering it.
    func placeInScope(_ code: String, of user: UserRecord) async throws -> PlacePath {
        guard let place = try await services.places.place(code: code) else { throw Refusal.notFound }
        let path = try await services.places.path(of: place)
        guard user.role == .admin || user.role == .staff, Access.covers(user, path) else { throw Refusal.forbidden }
        return path
    }

    /// `place` and every place below it.
    func subtree(_ place: Place) async throws -> [Int64] { try await services.staff.places(under: place).map(\.id) }

    // MARK: - Notices

    /// The notices of the person's door and its ancestors.
    func notices(for person: PersonRecord, now: Int64) async throws -> [PersonNotice] {
        guard let path = try await services.places.path(placeID: person.placeID) else { return [] }
        return try await services.channel.notices(at: (path.ancestors + [path.place]).map(\.id), for: person.ref, now: now)
    }

    /// A notice staff may look at: posted to a place they cover.
    func noticeInScope(_ id: Int64, of user: UserRecord) async throws -> (NoticeRecord, PlacePath) {
        guard let notice = try await services.channel.notice(id: id), let path = try await services.places.path(placeID: notice.placeID) else {
            throw Refusal.notFound
        }
        guard user.role == .admin || user.role == .staff, Access.covers(user, path) else { throw Refusal.forbidden }
        return (notice, path)
    }

    func reach(_ notice: NoticeRecord, _ path: PlacePath) async throws -> (reached: Int, read: Int) {
        try await services.channel.noticeReach(notice.id, placeIDs: try await subtree(path.place))
    }

    // MARK: - Problem reports

    /// Files a report at `door` (a unit, building or enterprise): dispatched to its grid.
    func fileProblem(at door: PlacePath, person: PersonRef?, phone: String?, category: ProblemCategory, text: String, photo: [UInt8]?,
                     now: Int64) async throws -> ProblemRecord {
        var phoneBox: [UInt8]?
        if let phone { phoneBox = try PersonalDataCipher(keyRing: services.keyRing).seal(phone, context: Array("problem-phone".utf8)) }
        return try await services.channel.addProblem(placeID: door.place.id, gridID: door.nearest(.grid)?.id, person: person, phoneBox: phoneBox,
                                                     category: category, text: text, photo: photo, now: now)
    }

    /// A report staff may act on: its door is in their scope (the grid's worker, the community's staff…).
    func problemInScope(_ id: Int64, of user: UserRecord) async throws -> (ProblemRecord, PlacePath) {
        guard let problem = try await services.channel.problem(id: id), let path = try await services.places.path(placeID: problem.placeID) else {
            throw Refusal.notFound
        }
        guard user.role == .admin || user.role == .staff, Access.covers(user, path) else { throw Refusal.forbidden }
        return (problem, path)
    }

    /// The category, text and (re-encoded) photo of a report, or the errors naming the fields.
    static func problemFields(_ fields: [String: FieldValue], photo: [UInt8]?) -> Result<(ProblemCategory, String, [UInt8]?), FieldErrors> {
        var errors: [FieldError] = []
        var category = ProblemCategory.other
        if case .string(let text)? = fields["category"], let c = ProblemCategory(rawValue: text) {
            category = c
        } else {
            errors.append(FieldError(field: "category", code: fields["category"] == nil ? .required : .unknownValue,
                message: "category must be one of \(ProblemCategory.allCases.map(\.rawValue).joined(separator: ", ")).",
                messageZH: "请选择问题类别。"))
        }
        var text = ""
        switch ChannelText.read(fields["text"], field: "text", max: 1000, multiline: true, zh: "问题描述") {
        case .success(let t): text = t
        case .failure(let e): errors.append(e)
        }
        var stored: [UInt8]?
        if let photo, !photo.isEmpty {
            do { stored = try Photo.sanitize(photo) } catch {
                errors.append(FieldError(field: "photo", code: .notAnImage, message: "photo must be a JPEG or PNG picture (at most 4096 × 4096 pixels).",
                                         messageZH: "照片应为 JPEG 或 PNG 图片。"))
            }
        }
        return errors.isEmpty ? .success((category, text, stored)) : .failure(FieldErrors(errors))
    }

    // MARK: - Visitors

    /// The community of a person's door.
    func community(of person: PersonRecord) async throws -> Place? {
        try await services.places.path(placeID: person.placeID)?.nearest(.community)
    }

    func phoneIndex(_ phone: String) throws -> [UInt8] { try PersonalDataCipher(keyRing: services.keyRing).index(visitorPhone: phone) }

    func announce(_ input: VisitorInput, host: PersonRecord, community: Place, now: Int64) async throws -> VisitorRecord {
        let (index, box) = try PersonalDataCipher(keyRing: services.keyRing).sealVisitorPhone(input.phone)
        return try await services.channel.addVisitor(host: host.ref, communityID: community.id, name: input.name, phoneIndex: index,
                                                     phoneBox: box, arrival: input.arrival, days: input.days, now: now)
    }

    // MARK: - The weekly summary

    func weekly(_ place: Place, week: ISOWeek, now: Int64) async throws -> WeeklySummary {
        let subtree = try await services.staff.places(under: place)
        let ids = subtree.map(\.id)
        let problems = try await services.channel.problems(placeIDs: ids, status: nil, from: week.start, to: week.end)
        var notices: [(NoticeRecord, reached: Int, read: Int)] = []
        for notice in try await services.channel.notices(postedTo: ids, from: week.start, to: week.end) {
            guard let path = try await services.places.path(placeID: notice.placeID) else { continue }
            let (reached, read) = try await reach(notice, path)
            notices.append((notice, reached, read))
        }
        let registered = try await services.channel.registered(placeIDs: ids, before: min(week.end, now + 1))
        return WeeklySummary(place: place, week: week, subtree: subtree, problems: problems, notices: notices, registered: registered, now: now)
    }
}
