/// Runs the rules of a form over the submitted fields, keeps every error in field order, and
/// names the fields that no rule asked for.
struct FieldCollector {
    let fields: [String: FieldValue]
    let source: InputSource
    private(set) var errors: [FieldError] = []
    /// The fields a rule took (a dozen at most: a list is quicker than hashing them).
    private var asked: [String] = []

    init(_ fields: [String: FieldValue], source: InputSource) {
        self.fields = fields
        self.source = source
    }

    /// Applies `rule` to the raw value of `field` (nil when absent); nil when it fails.
    mutating func take<T>(_ field: String, _ rule: (FieldValue?) -> Result<T, FieldError>) -> T? {
        asked.append(field)
        switch rule(fields[field]) {
        case .success(let value): return value
        case .failure(let error):
            errors.append(error)
            return nil
        }
    }

    /// Applies `rule` to the text of a single-valued field (nil when absent or blank).
    mutating func takeText<T>(_ field: String, _ rule: (String?) -> Result<T, FieldError>) -> T? {
        take(field) { value in FieldInput.text(value, field: field).flatMap(rule) }
    }

    /// Applies `rule` to the items of a list field (empty when absent).
    mutating func takeList<T>(_ field: String, _ rule: ([String]) -> Result<T, FieldError>) -> T? {
        let source = source
        return take(field) { value in FieldInput.list(value, field: field, source: source).flatMap(rule) }
    }

    /// Adds an `unknown_field` error for each field (sorted by name) that no rule took and that
    /// the source does not ignore. `label` names the form for the message.
    mutating func rejectUnasked(form label: (en: String, zh: String)) {
        let unasked = fields.keys.filter { !asked.contains($0) && !source.ignoredFields.contains($0) }
        for name in unasked.sorted() {
            let shown = TextNormalization.quoted(name, limit: 40)
            errors.append(FieldError(field: name, code: .unknownField,
                                     message: "The \(label.en) has no field \(shown).",
                                     messageZH: "\(label.zh)没有 \(shown) 这一项。"))
        }
    }

    /// The value when every rule passed, else every error.
    func result<T>(_ make: () -> T?) -> Result<T, FieldErrors> {
        guard errors.isEmpty, let value = make() else { return .failure(FieldErrors(errors)) }
        return .success(value)
    }
}
