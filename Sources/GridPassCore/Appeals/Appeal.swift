/// A person's request to correct their colour (CONTRACT §11; GB/T 38963's error correction).
/// One open appeal a person at a time. Staff whose scope covers the person uphold it — striking
/// wrong declarations (kept, ignored by the rules) and removing regions the person only passed
/// through, after which the rules recompute the colour — or dismiss it, with a reason the person
/// sees. No step sets a colour.
public struct AppealRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case open, upheld, dismissed }

    public var id: Int64
    public var person: PersonRef
    public var reason: String
    public var status: Status
    public var createdAt: Int64
    public var decidedAt: Int64?
    public var decidedByName: String?
    public var decisionReason: String?

    public init(id: Int64, person: PersonRef, reason: String, status: Status, createdAt: Int64,
                decidedAt: Int64? = nil, decidedByName: String? = nil, decisionReason: String? = nil) {
        self.id = id
        self.person = person
        self.reason = reason
        self.status = status
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.decidedByName = decidedByName
        self.decisionReason = decisionReason
    }
}

/// An appeal in the staff queue, with where and who (the name is masked before it is shown).
public struct AppealListing: Sendable, Equatable {
    public var appeal: AppealRecord
    public var placeID: Int64
    public var name: String

    public init(appeal: AppealRecord, placeID: Int64, name: String) {
        self.appeal = appeal
        self.placeID = placeID
        self.name = name
    }
}

/// One stored declaration (registration or daily report), as staff see it on an appeal.
public struct StoredDeclaration: Sendable, Equatable {
    public var id: Int64
    public var at: Int64
    public var source: String
    public var temperature: Double
    public var symptoms: [String]
    public var visited: [String]
    public var contact: String
    /// The staff user who entered it for the person (a report of a resident without a smartphone).
    public var enteredBy: Int64?
    /// When an upheld appeal struck it (then the rules ignore it).
    public var struckAt: Int64?

    public init(id: Int64, at: Int64, source: String, temperature: Double, symptoms: [String], visited: [String], contact: String,
                enteredBy: Int64?, struckAt: Int64?) {
        self.id = id
        self.at = at
        self.source = source
        self.temperature = temperature
        self.symptoms = symptoms
        self.visited = visited
        self.contact = contact
        self.enteredBy = enteredBy
        self.struckAt = struckAt
    }
}

/// What a decision on an appeal changes, besides its status.
public struct AppealCorrection: Sendable, Equatable {
    /// Declarations of the person to strike.
    public var strike: [Int64]
    /// Regions to remove from every declaration of the person.
    public var unvisit: [String]

    public init(strike: [Int64] = [], unvisit: [String] = []) {
        self.strike = strike
        self.unvisit = unvisit
    }

    public static let none = AppealCorrection()
}

public enum AppealError: Error, Equatable, Sendable {
    /// The person already has an open appeal (409).
    case alreadyOpen
    /// The appeal was already decided (409).
    case notOpen
    case notFound
    /// These declaration ids are not the appeal's person's (422, field `strike`).
    case foreignDeclarations([Int64])
}

/// Validation of the texts of appeals and decisions: 1–500 characters after trimming, no control
/// characters other than line breaks.
public enum AppealText {
    public static let maxLength = 500

    public static func read(_ value: FieldValue?, field: String) -> Result<String, FieldError> {
        guard let value else {
            return .failure(FieldError(field: field, code: .required, message: "\(field) is required (1–500 characters).",
                                       messageZH: "请填写理由（1–500 字）。"))
        }
        guard case .string(let raw) = value else {
            return .failure(FieldError(field: field, code: .invalidType, message: "\(field) must be text.", messageZH: "理由应为文字。"))
        }
        let text = raw.trimmingSpaces
        if text.isEmpty {
            return .failure(FieldError(field: field, code: .required, message: "\(field) is required (1–500 characters).",
                                       messageZH: "请填写理由（1–500 字）。"))
        }
        if text.count > maxLength {
            return .failure(FieldError(field: field, code: .tooLong, message: "\(field) has \(text.count) characters; at most \(maxLength).",
                                       messageZH: "理由过长（最多 \(maxLength) 字，现有 \(text.count) 字）。"))
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            return .failure(FieldError(field: field, code: .format, message: "\(field) contains control characters.",
                                       messageZH: "理由含有不可见的控制字符。"))
        }
        return .success(text)
    }
}
