/// A body temperature in °C, from 34.0 to 43.0. JSON gives a number; a form gives a decimal text,
/// `36.5` or `36,5` (a trailing `℃` or `°C` is allowed).
public enum Temperature {
    public static let field = "temperature"
    public static let range: ClosedRange<Double> = 34.0...43.0

    /// Checks the range of a number.
    public static func check(_ celsius: Double) -> Result<Double, FieldError> {
        guard celsius.isFinite, range.contains(celsius) else {
            return .failure(FieldError(field: field, code: .range,
                                       message: "The temperature must be from 34.0 to 43.0 °C.",
                                       messageZH: "体温应在34.0到43.0 °C之间。"))
        }
        return .success(celsius)
    }

    /// Parses a typed temperature (digits, one `.` or `,`, up to 3 decimals) and checks its range.
    public static func parse(_ text: String) -> Result<Double, FieldError> {
        var t = TextNormalization.removingWhitespace(TextNormalization.halfWidth(text))
        for unit in ["℃", "°C", "°c", "°"] where t.hasSuffix(unit) {
            t.removeLast(unit.count)
            break
        }
        guard !t.isEmpty else { return .failure(.required(field, en: "The temperature", zh: "体温")) }
        let parts = t.split(separator: t.contains(",") ? "," : ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard (1...3).contains(parts[0].count), TextNormalization.isASCIIDigits(parts[0]),
              parts.count == 1 || ((1...3).contains(parts[1].count) && TextNormalization.isASCIIDigits(parts[1])),
              let value = Double(parts.joined(separator: "."))
        else {
            return .failure(FieldError(field: field, code: .format,
                                       message: "Enter the temperature as a number of °C, e.g. 36.5.",
                                       messageZH: "请以摄氏度数字填写体温，例如36.5。"))
        }
        return check(value)
    }

    /// Reads the raw value by source: a JSON number, or a form's text.
    public static func read(_ value: FieldValue?, source: InputSource) -> Result<Double, FieldError> {
        switch (value, source) {
        case (nil, _), (.null?, _):
            return .failure(.required(field, en: "The temperature", zh: "体温"))
        case (.number(let celsius)?, .json):
            return check(celsius)
        case (.string(let text)?, .form):
            return parse(text)
        case (let other?, .json):
            return .failure(.invalidType(field, expected: ("a number", "数字"), got: other))
        case (let other?, .form):
            return .failure(.invalidType(field, expected: ("one value", "单个值"), got: other))
        }
    }
}
