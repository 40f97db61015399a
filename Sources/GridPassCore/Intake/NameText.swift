/// The character rules shared by names and departments: letters of any script (CJK, Latin, …)
/// with their combining marks, the middle dot `·` between parts, single inner spaces; no control
/// or invisible characters, no markup. Dot look-alikes become `·`, runs of spaces one space.
enum NameText {
    /// Middle dot look-alikes typed by input methods: ·・•‧･⋅∙ (all become U+00B7).
    static let dots: Set<Unicode.Scalar> = ["\u{00B7}", "\u{30FB}", "\u{2022}", "\u{2027}", "\u{FF65}", "\u{22C5}", "\u{2219}"]
    static let markup: Set<Unicode.Scalar> = ["<", ">", "&", "\"", "'", "`"]

    enum Problem: Error, Equatable {
        case control
        case markup
        case digit
        case character(Unicode.Scalar)
        case separator
    }

    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }

    /// The cleaned text, or the first problem found (control characters and markup first).
    static func clean(_ text: some StringProtocol, allowDigits: Bool) -> Result<String, Problem> {
        // Most names are CJK ideographs (U+4E00–U+9FFF, every one a letter) or ASCII letters only,
        // without spaces or dots: nothing to clean.
        if text.unicodeScalars.allSatisfy({ s in
            (0x4E00...0x9FFF).contains(s.value) || (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value)
        }) { return .success(String(text)) }
        let trimmed = TextNormalization.halfWidth(text).trimmingSpaces
        if trimmed.unicodeScalars.contains(where: isInvisible) { return .failure(.control) }
        if trimmed.unicodeScalars.contains(where: markup.contains) { return .failure(.markup) }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var lastWasDot = false
        for s in trimmed.unicodeScalars {
            if s.properties.isWhitespace { pendingSpace = true; continue }
            if dots.contains(s) {
                guard !out.isEmpty, !lastWasDot else { return .failure(.separator) }
                out.append("\u{00B7}")   // spaces around a dot are dropped
                pendingSpace = false
                lastWasDot = true
                continue
            }
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                break
            case .decimalNumber, .letterNumber, .otherNumber:
                guard allowDigits else { return .failure(.digit) }
            case .nonspacingMark, .spacingMark, .enclosingMark:
                // A combining mark belongs to the letter before it.
                guard !out.isEmpty, !pendingSpace, !lastWasDot else { return .failure(.character(s)) }
            default:
                return .failure(.character(s))
            }
            if pendingSpace && !lastWasDot && !out.isEmpty { out.append(" ") }
            pendingSpace = false
            lastWasDot = false
            out.append(s)
        }
        if lastWasDot { return .failure(.separator) }
        return .success(String(out))
    }

    /// Applies `clean` and the length limit, and words the problem for `field`.
    static func parse(_ text: String, field: String, label: (en: String, zh: String),
                      maxLength: Int, allowDigits: Bool) -> Result<String, FieldError> {
        func fail(_ code: FieldError.Code, _ en: String, _ zh: String) -> Result<String, FieldError> {
            .failure(FieldError(field: field, code: code, message: en, messageZH: zh))
        }
        let allowed = allowDigits
            ? (en: "letters, digits, the middle dot · and single spaces", zh: "文字、数字、间隔号·和空格")
            : (en: "letters, the middle dot · and single spaces", zh: "文字、间隔号·和空格")
        switch clean(text, allowDigits: allowDigits) {
        case .failure(.control):
            return fail(.format, "\(label.en) contains control or invisible characters.", "\(label.zh)含有控制字符或不可见字符。")
        case .failure(.markup):
            return fail(.format, "\(label.en) must not contain < > & ` or quotes.", "\(label.zh)不能包含 < > & ` 或引号。")
        case .failure(.digit):
            return fail(.format, "\(label.en) must not contain digits.", "\(label.zh)不能包含数字。")
        case .failure(.character(let s)):
            return fail(.format, "\(label.en) may contain only \(allowed.en) (found \(TextNormalization.quoted(String(s))).",
                        "\(label.zh)只能包含\(allowed.zh)（发现“\(String(s))”）。")
        case .failure(.separator):
            return fail(.format, "The middle dot · must stand between two parts of \(label.en.lowercased()).",
                        "间隔号·只能位于\(label.zh)的两部分之间。")
        case .success(let cleaned):
            if cleaned.isEmpty { return .failure(.required(field, en: label.en, zh: label.zh)) }
            if cleaned.count > maxLength {
                return fail(.tooLong, "\(label.en) must be at most \(maxLength) characters (it has \(cleaned.count)).",
                            "\(label.zh)不能超过\(maxLength)个字符（当前\(cleaned.count)个）。")
            }
            return .success(cleaned)
        }
    }
}
