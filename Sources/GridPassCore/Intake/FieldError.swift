/// One bad field of a submission, with one clear message in English and in Chinese.
/// Encoded as `{"field", "code", "message", "message_zh"}`.
public struct FieldError: Error, Sendable, Equatable, Codable {
    /// Machine-readable reasons, stable across releases.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case required
        case invalidType = "invalid_type"
        case format
        case checkDigit = "check_digit"
        case birthDate = "birth_date"
        case province
        case range
        case unknownValue = "unknown_value"
        case duplicate
        case unknownField = "unknown_field"
        case notInList = "not_in_list"
        case consentRequired = "consent_required"
        case tooLong = "too_long"
        case notAnImage = "not_an_image"
        case noCode = "no_code"
    }

    public let field: String
    public let code: Code
    public let message: String
    public let messageZH: String

    public init(field: String, code: Code, message: String, messageZH: String) {
        self.field = field
        self.code = code
        self.message = message
        self.messageZH = messageZH
    }

    enum CodingKeys: String, CodingKey {
        case field, code, message
        case messageZH = "message_zh"
    }
}

/// Every bad field of a submission, in the stable order of the form.
/// Encodes as `{"errors": [...]}`, the body of a 422 answer.
public struct FieldErrors: Error, Sendable, Equatable, Codable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    /// The names of the bad fields, in order.
    public var fields: [String] { errors.map(\.field) }

    /// The error of one field, if it is bad.
    public subscript(field: String) -> FieldError? { errors.first { $0.field == field } }
}

// MARK: - Common errors

extension FieldError {
    static func required(_ field: String, en: String, zh: String) -> FieldError {
        FieldError(field: field, code: .required, message: "\(en) is required.", messageZH: "请填写\(zh)。")
    }

    static func invalidType(_ field: String, expected: (en: String, zh: String), got value: FieldValue) -> FieldError {
        FieldError(field: field, code: .invalidType,
                   message: "\(field) must be \(expected.en), not \(value.typeName.en).",
                   messageZH: "\(field) 应为\(expected.zh)，而不是\(value.typeName.zh)。")
    }
}
