/// Small text clean-ups shared by the field rules (no Foundation).
enum TextNormalization {
    /// Full-width ASCII forms (U+FF01–U+FF5E, e.g. `０`–`９`, `Ｘ`, `＋`) become ASCII and the
    /// ideographic space U+3000 a plain space, as Chinese input methods often type them.
    static func halfWidth(_ text: some StringProtocol) -> String {
        // U+FF01–U+FF5E are EF BC 81–EF BD 9E in UTF-8 and U+3000 is E3 80 80: without those lead
        // bytes (ASCII, common Chinese text) there is nothing to change.
        if !text.utf8.contains(where: { $0 == 0xEF || $0 == 0xE3 }) { return String(text) }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// The text with every white-space character removed (spaces, U+3000, tabs, line breaks).
    static func removingWhitespace(_ text: some StringProtocol) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {  // ASCII: the white space of Unicode there is 9...13 and 32
            return String(decoding: text.utf8.filter { !($0 == 0x20 || (0x09...0x0D).contains($0)) }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !scalar.properties.isWhitespace { out.append(scalar) }
        return String(out)
    }

    /// `scalar.properties.isWhitespace`, without the property look-up for ASCII (tab to carriage
    /// return and space are its only ASCII white space).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    static func isASCIIDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Splits a typed list on commas (`,` `，`), `、`, `;` `；` and white space; no empty items.
    static func splitList(_ text: some StringProtocol) -> [String] {
        text.unicodeScalars
            .split(whereSeparator: { ",，、;；".unicodeScalars.contains($0) || $0.properties.isWhitespace })
            .map { String(String.UnicodeScalarView($0)) }
    }

    /// Quotes a user-typed value for a message, shortened to `limit` characters.
    static func quoted(_ text: some StringProtocol, limit: Int = 24) -> String {
        let short = text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
        return "\"" + short + "\""
    }
}
