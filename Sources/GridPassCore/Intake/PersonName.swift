/// A person's name: 1–30 letters of any script, `·` between parts (阿依古丽·买买提) and single
/// spaces (John Smith); no digits, markup or control characters.
public enum PersonName {
    public static let field = "name"
    public static let maxLength = 30

    /// Validates a typed name and returns it trimmed, with dots and spaces normalised.
    public static func parse(_ text: String) -> Result<String, FieldError> {
        NameText.parse(text, field: field, label: (en: "The name", zh: "姓名"), maxLength: maxLength, allowDigits: false)
    }
}

/// A worker's department (optional): up to 40 characters, the rules of names with digits allowed.
public enum Department {
    public static let field = "department"
    public static let maxLength = 40

    /// Validates a typed department; the caller treats a blank one as "not given".
    public static func parse(_ text: String) -> Result<String, FieldError> {
        NameText.parse(text, field: field, label: (en: "The department", zh: "部门"), maxLength: maxLength, allowDigits: true)
    }
}
