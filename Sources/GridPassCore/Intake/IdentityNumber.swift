/// A resident identity card number (GB 11643-1999), checked and normalised: 18 characters,
/// a known province, a real birth date and the ISO 7064 MOD 11-2 check character.
public struct IdentityNumber: Sendable, Hashable {
    public static let field = "id_number"

    /// The 18 characters, upper-case `X` as check character when it is one.
    public let value: String
    public let birthDate: CalendarDate
    /// The first two digits, e.g. `11` for Beijing.
    public let provinceCode: String

    public var provinceName: String { Provinces.names[provinceCode] ?? "" }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    // MARK: - Rules

    /// Full-width digits and `Ｘ`/`ｘ` become ASCII, every space (U+3000 too) goes, `x` becomes `X`.
    public static func normalize(_ text: some StringProtocol) -> String {
        if text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "X") }) { return String(text) }
        return TextNormalization.removingWhitespace(TextNormalization.halfWidth(text))
            .map { $0 == "x" ? "X" : $0 }
            .reduce(into: "") { $0.append($1) }
    }

    /// The check character of the first 17 digits (ISO 7064 MOD 11-2); nil unless they are 17 ASCII digits.
    public static func checkCharacter(of first17: some StringProtocol) -> Character? {
        let digits = first17.utf8.map { Int($0) - 0x30 }
        guard digits.count == 17, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Validates a typed number; `today` is the date that a birth date may not be after.
    public static func parse(_ text: String, today: CalendarDate) -> Result<IdentityNumber, FieldError> {
        func fail(_ code: FieldError.Code, _ en: String, _ zh: String) -> Result<IdentityNumber, FieldError> {
            .failure(FieldError(field: field, code: code, message: en, messageZH: zh))
        }
        let number = normalize(text)
        guard !number.isEmpty else { return .failure(.required(field, en: "The identity card number", zh: "身份证号码")) }
        if number.count == 15, TextNormalization.isASCIIDigits(number) {
            return fail(.format, "15-digit identity card numbers are no longer accepted; enter your 18-character number.",
                        "不再接受15位旧身份证号码，请填写18位身份证号码。")
        }
        guard number.count == 18 else {
            return fail(.format, "The identity card number must have 18 characters (it has \(number.count)).",
                        "身份证号码应为18位（当前为\(number.count)位）。")
        }
        let first17 = number.prefix(17)
        let last = number.last!
        guard TextNormalization.isASCIIDigits(first17), last == "X" || (last.isASCII && last.isNumber) else {
            return fail(.format, "The identity card number must be 17 digits followed by a digit or X.",
                        "身份证号码应为17位数字加1位数字或X。")
        }
        guard checkCharacter(of: first17) == last else {
            return fail(.checkDigit, "The identity card number's check character does not match; please check the number.",
                        "身份证号码校验位不正确，请核对号码。")
        }
        let digits = number.utf8.map { Int($0) - 0x30 }
        func value(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        guard let birth = CalendarDate(year: value(6..<10), month: value(10..<12), day: value(12..<14)) else {
            return fail(.birthDate, "The birth date in the identity card number (digits 7–14) is not a real date.",
                        "身份证号码中的出生日期（第7–14位）不是有效日期。")
        }
        guard birth.year >= 1900, birth <= today else {
            return fail(.birthDate, "The birth date in the identity card number (\(birth)) is \(birth.year < 1900 ? "before 1900" : "in the future").",
                        "身份证号码中的出生日期（\(birth)）\(birth.year < 1900 ? "早于1900年" : "晚于今天")。")
        }
        let province = String(number.prefix(2))
        guard Provinces.isProvince(province) else {
            return fail(.province, "The identity card number starts with \(province), which is not a province code.",
                        "身份证号码前两位 \(province) 不是有效的省级行政区代码。")
        }
        return .success(IdentityNumber(value: number, birthDate: birth, provinceCode: province))
    }
}
