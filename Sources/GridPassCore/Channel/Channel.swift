/// The grid's everyday channel (CONTRACT §10): notices from staff, problem reports from residents,
/// visitor announcements, and the Monday summary over them. Types and validation, pure.

// MARK: - Notices

public struct NoticeRecord: Sendable, Equatable {
    public var id: Int64
    /// The node it was posted to: it reaches every person whose door is at or below it.
    public var placeID: Int64
    public var title: String
    public var text: String
    public var urgent: Bool
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var createdByName: String

    public init(id: Int64, placeID: Int64, title: String, text: String, urgent: Bool, createdAt: Int64, expiresAt: Int64?, createdByName: String) {
        self.id = id
        self.placeID = placeID
        self.title = title
        self.text = text
        self.urgent = urgent
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.createdByName = createdByName
    }
}

/// A notice as one person sees it.
public struct PersonNotice: Sendable, Equatable {
    public var notice: NoticeRecord
    public var read: Bool

    public init(notice: NoticeRecord, read: Bool) {
        self.notice = notice
        self.read = read
    }
}

// MARK: - Problem reports

public enum ProblemCategory: String, Sendable, CaseIterable {
    case plumbing, hygiene, noise, safety, neighbours, other
}

public struct ProblemRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case open, answered, closed }

    public var id: Int64
    /// The door it was reported at, and the grid above it (where it is dispatched).
    public var placeID: Int64
    public var gridID: Int64?
    /// The registered person who filed it (nil: from a poster, with a phone number).
    public var person: PersonRef?
    public var category: ProblemCategory
    public var text: String
    public var status: Status
    public var answer: String?
    public var hasPhoto: Bool
    public var createdAt: Int64
    public var answeredAt: Int64?
    public var answeredByName: String?
    public var closedAt: Int64?

    public init(id: Int64, placeID: Int64, gridID: Int64?, person: PersonRef?, category: ProblemCategory, text: String, status: Status,
                answer: String?, hasPhoto: Bool, createdAt: Int64, answeredAt: Int64?, answeredByName: String?, closedAt: Int64?) {
        self.id = id
        self.placeID = placeID
        self.gridID = gridID
        self.person = person
        self.category = category
        self.text = text
        self.status = status
        self.answer = answer
        self.hasPhoto = hasPhoto
        self.createdAt = createdAt
        self.answeredAt = answeredAt
        self.answeredByName = answeredByName
        self.closedAt = closedAt
    }

    /// A report still open 72 hours after it was filed (CONTRACT §10).
    public static let overdueAfter: Int64 = 72 * 3600

    public func isOverdue(now: Int64) -> Bool { status == .open && now - createdAt >= Self.overdueAfter }
}

// MARK: - Visitors

public struct VisitorRecord: Sendable, Equatable {
    public var id: Int64
    public var host: PersonRef
    public var communityID: Int64
    public var name: String
    public var arrival: Day
    public var days: Int
    public var createdAt: Int64

    public init(id: Int64, host: PersonRef, communityID: Int64, name: String, arrival: Day, days: Int, createdAt: Int64) {
        self.id = id
        self.host = host
        self.communityID = communityID
        self.name = name
        self.arrival = arrival
        self.days = days
        self.createdAt = createdAt
    }

    /// The last day of the stay.
    public var until: Day { arrival.advanced(by: max(0, days - 1)) }
}

/// A visitor with their host, as staff and guards see them (names masked when shown).
public struct VisitorListing: Sendable, Equatable {
    public var visitor: VisitorRecord
    public var hostName: String
    public var hostPlaceID: Int64
    public var hostRoom: String?

    public init(visitor: VisitorRecord, hostName: String, hostPlaceID: Int64, hostRoom: String?) {
        self.visitor = visitor
        self.hostName = hostName
        self.hostPlaceID = hostPlaceID
        self.hostRoom = hostRoom
    }
}

// MARK: - Validation

public enum ChannelText {
    /// A required text of 1…`max` characters after trimming, without control characters (line
    /// breaks and tabs allowed in long texts).
    public static func read(_ value: FieldValue?, field: String, max: Int, multiline: Bool, zh: String) -> Result<String, FieldError> {
        guard let value else {
            return .failure(FieldError(field: field, code: .required, message: "\(field) is required (1–\(max) characters).",
                                       messageZH: "请填写\(zh)（1–\(max) 字）。"))
        }
        guard case .string(let raw) = value else {
            return .failure(FieldError(field: field, code: .invalidType, message: "\(field) must be text.", messageZH: "\(zh)应为文字。"))
        }
        let text = raw.trimmingSpaces
        if text.isEmpty {
            return .failure(FieldError(field: field, code: .required, message: "\(field) is required (1–\(max) characters).",
                                       messageZH: "请填写\(zh)（1–\(max) 字）。"))
        }
        if text.count > max {
            return .failure(FieldError(field: field, code: .tooLong, message: "\(field) has \(text.count) characters; at most \(max).",
                                       messageZH: "\(zh)过长（最多 \(max) 字，现有 \(text.count) 字）。"))
        }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            return .failure(FieldError(field: field, code: .format, message: "\(field) contains control characters.",
                                       messageZH: "\(zh)含有不可见的控制字符。"))
        }
        return .success(text)
    }
}

/// A visitor announcement's fields: `name`, `phone`, `arrival` (YYYY-MM-DD, at least
/// `noticeDays` after `today`), `days` (1–30).
public struct VisitorInput: Sendable, Equatable {
    public var name: String
    public var phone: String
    public var arrival: Day
    public var days: Int

    public static func validate(_ fields: [String: FieldValue], today: Day, noticeDays: Int) -> Result<VisitorInput, FieldErrors> {
        var errors: [FieldError] = []
        var name = "", phone = "", arrival = today, days = 1
        switch ChannelText.read(fields["name"], field: "name", max: 40, multiline: false, zh: "访客姓名") {
        case .success(let v): name = v
        case .failure(let e): errors.append(e)
        }
        if case .string(let text)? = fields["phone"] {
            switch PhoneNumber.parse(text) {
            case .success(let v): phone = v
            case .failure(let e): errors.append(e)
            }
        } else {
            errors.append(FieldError(field: "phone", code: fields["phone"] == nil ? .required : .invalidType,
                                     message: "phone is required (a mainland mobile number).", messageZH: "请填写访客手机号。"))
        }
        if case .string(let text)? = fields["arrival"], let day = Day(iso: text) {
            let earliest = today.advanced(by: noticeDays)
            if day < earliest {
                errors.append(FieldError(field: "arrival", code: .range,
                    message: "visitors must be announced \(noticeDays) days ahead: the earliest arrival is \(earliest.iso).",
                    messageZH: "访客须提前 \(noticeDays) 天报备：最早可登记 \(earliest.iso) 到访。"))
            } else if day > today.advanced(by: 366) {
                errors.append(FieldError(field: "arrival", code: .range, message: "arrival is more than a year ahead.", messageZH: "到访日期超过一年以后。"))
            } else {
                arrival = day
            }
        } else {
            errors.append(FieldError(field: "arrival", code: fields["arrival"] == nil ? .required : .format,
                                     message: "arrival must be a date, YYYY-MM-DD.", messageZH: "到访日期应为 YYYY-MM-DD 格式。"))
        }
        switch fields["days"] {
        case nil: days = 1
        case .number(let n)? where n == n.rounded() && (1...30).contains(n): days = Int(n)
        case .string(let s)? where Int(s).map { (1...30).contains($0) } == true: days = Int(s)!
        default:
            errors.append(FieldError(field: "days", code: .range, message: "days must be a whole number from 1 to 30.", messageZH: "停留天数应为 1–30 的整数。"))
        }
        if !errors.isEmpty { return .failure(FieldErrors(errors)) }
        return .success(VisitorInput(name: name, phone: phone, arrival: arrival, days: days))
    }
}
