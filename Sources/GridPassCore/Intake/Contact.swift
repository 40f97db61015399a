/// Contact with a confirmed case: none, secondary (contact of a close contact) or close.
public enum Contact: String, Sendable, Codable, CaseIterable {
    case none
    case secondary
    case close

    public static let field = "contact"

    public var chineseName: String {
        switch self {
        case .none: "无接触"
        case .secondary: "次密切接触"
        case .close: "密切接触"
        }
    }

    /// Validates a typed value (nil: not given), case-insensitive.
    public static func parse(_ text: String?) -> Result<Contact, FieldError> {
        guard let text, !text.trimmingSpaces.isEmpty else {
            return .failure(.required(field, en: "The contact answer", zh: "接触史"))
        }
        guard let contact = Contact(rawValue: TextNormalization.halfWidth(text).trimmingSpaces.lowercased()) else {
            return .failure(FieldError(field: field, code: .unknownValue,
                                       message: "Contact must be none, secondary or close, not \(TextNormalization.quoted(text)).",
                                       messageZH: "接触史应为 none、secondary 或 close，而不是 \(TextNormalization.quoted(text))。"))
        }
        return .success(contact)
    }
}
