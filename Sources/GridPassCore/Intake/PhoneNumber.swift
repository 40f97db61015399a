/// A mainland China mobile number: `1[3-9]` and 9 more digits.
public enum PhoneNumber {
    public static let field = "phone"

    static let dashes: Set<Unicode.Scalar> = ["-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}"]

    /// Full-width characters to ASCII, spaces and dashes removed, and a `+86`, `0086` or `86`
    /// country prefix dropped when 11 digits follow it.
    public static func normalize(_ text: some StringProtocol) -> String {
        // Only ASCII digits: a country prefix is dropped only when 11 digits follow it.
        if text.utf8.count <= 12, TextNormalization.isASCIIDigits(text) { return String(text) }
        var scalars = String.UnicodeScalarView()
        for s in TextNormalization.halfWidth(text).unicodeScalars where !s.properties.isWhitespace && !dashes.contains(s) {
            scalars.append(s)
        }
        let number = String(scalars)
        for prefix in ["+86", "0086", "86"] where number.hasPrefix(prefix) {
            let rest = number.dropFirst(prefix.count)
            if rest.count == 11, TextNormalization.isASCIIDigits(rest) { return String(rest) }
        }
        return number
    }

    /// Validates a typed number and returns its 11 digits.
    public static func parse(_ text: String) -> Result<String, FieldError> {
        let number = normalize(text)
        guard !number.isEmpty else { return .failure(.required(field, en: "The mobile phone number", zh: "手机号码")) }
        let utf8 = Array(number.utf8)
        guard utf8.count == 11, TextNormalization.isASCIIDigits(number), utf8[0] == UInt8(ascii: "1"),
              (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(utf8[1]) else {
            return .failure(FieldError(field: field, code: .format,
                                       message: "Enter a mainland mobile number: 11 digits starting with 13–19, e.g. 13800138000.",
                                       messageZH: "请填写大陆手机号码：以13–19开头的11位数字，例如13800138000。"))
        }
        return .success(number)
    }
}
