/// Reads the raw value of one field as the shape a rule wants, checking its type by source:
/// JSON values must have the right JSON type, form values are text. A missing field, a JSON
/// `null` and a blank text all read as "not given".
enum FieldInput {
    static let text: (en: String, zh: String) = ("a string", "字符串")
    static let list: (en: String, zh: String) = ("a list of strings", "字符串列表")

    /// A single text value, trimmed; nil when not given.
    static func text(_ value: FieldValue?, field: String) -> Result<String?, FieldError> {
        switch value {
        case nil, .null?:
            return .success(nil)
        case .string(let s)?:
            let trimmed = TextNormalization.halfWidth(s).trimmingSpaces
            return .success(trimmed.isEmpty ? nil : s)
        case .array?:
            // A repeated form field, or a JSON list where one value belongs.
            return .failure(FieldError(field: field, code: .invalidType,
                                       message: "\(field) takes one value, not a list.",
                                       messageZH: "\(field) 只能填写一个值，不能是列表。"))
        case let other?:
            return .failure(.invalidType(field, expected: text, got: other))
        }
    }

    /// A list of text items; empty when not given. A JSON list must hold strings only; a form
    /// gives repeated fields or one text with the items separated by commas, `、` or spaces.
    static func list(_ value: FieldValue?, field: String, source: InputSource) -> Result<[String], FieldError> {
        switch (value, source) {
        case (nil, _), (.null?, _):
            return .success([])
        case (.array(let items)?, _):
            var texts: [String] = []
            for item in items {
                guard case .string(let s) = item else { return .failure(.invalidType(field, expected: list, got: item)) }
                let normalized = TextNormalization.halfWidth(s)
                // A form's checkbox value may itself be a typed list; a JSON item is one value.
                texts += source == .form ? TextNormalization.splitList(normalized) : [normalized.trimmingSpaces]
            }
            return .success(texts.filter { !$0.isEmpty })
        case (.string(let s)?, .form):
            return .success(TextNormalization.splitList(TextNormalization.halfWidth(s)))
        case (let other?, _):
            return .failure(.invalidType(field, expected: list, got: other))
        }
    }
}
