/// The regions visited in the last 14 days: six-digit codes that the region table knows, at most
/// 50; repeated codes are kept once, in the order given.
public enum VisitedRegions {
    public static let field = "visited"
    public static let maxCount = 50

    /// Validates the codes; the error names the bad ones.
    public static func parse(_ items: [String], regions: RegionTable) -> Result<[String], FieldError> {
        func fail(_ code: FieldError.Code, _ en: String, _ zh: String) -> Result<[String], FieldError> {
            .failure(FieldError(field: field, code: code, message: en, messageZH: zh))
        }
        guard items.count <= maxCount else {
            return fail(.tooLong, "List at most \(maxCount) regions (\(items.count) given).",
                        "最多填写\(maxCount)个地区（当前\(items.count)个）。")
        }
        let codes = items.map { TextNormalization.removingWhitespace(TextNormalization.halfWidth($0)) }
        let malformed = codes.filter { !RegionTable.isSixDigits($0) }
        if !malformed.isEmpty {
            let list = malformed.prefix(3).map { TextNormalization.quoted($0) }.joined(separator: ", ")
            return fail(.format, "Region codes have six digits, e.g. 110105; \(list) is not one.",
                        "地区代码应为6位数字，例如110105；\(list) 不是有效代码。")
        }
        let unknown = codes.filter { !regions.contains($0) }
        if !unknown.isEmpty {
            let list = unknown.prefix(3).joined(separator: ", ")
            return fail(.unknownValue, "Unknown region code \(list); pick the region from the list.",
                        "未知的地区代码 \(list)，请从列表中选择地区。")
        }
        var seen = Set<String>()
        return .success(codes.filter { seen.insert($0).inserted })
    }
}

/// The consent to the processing of the declared data: it must be given.
public enum Consent {
    public static let field = "consent"
    /// What a form's checkbox (or a hand-written form) sends for "yes".
    public static let formYes: Set<String> = ["on", "true", "1", "yes"]

    /// JSON: `true`; form: `on`, `true`, `1` or `yes` (any case).
    public static func read(_ value: FieldValue?, source: InputSource) -> Result<Void, FieldError> {
        switch (value, source) {
        case (.bool(true)?, .json):
            return .success(())
        case (.string(let text)?, .form) where formYes.contains(text.trimmingSpaces.lowercased()):
            return .success(())
        case (nil, _), (.null?, _), (.bool(false)?, .json), (.string?, .form):
            return .failure(FieldError(field: field, code: .consentRequired,
                                       message: "Please agree to the processing of your data to register.",
                                       messageZH: "请同意处理您填写的信息后再登记。"))
        case (let other?, .json):
            return .failure(.invalidType(field, expected: ("true or false", "布尔值"), got: other))
        case (let other?, .form):
            return .failure(.invalidType(field, expected: ("one value", "单个值"), got: other))
        }
    }
}
