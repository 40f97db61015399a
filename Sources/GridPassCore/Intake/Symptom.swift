/// The symptoms a person can declare (CONTRACT §4).
public enum Symptom: String, Sendable, Codable, CaseIterable {
    case fever
    case cough
    case fatigue
    case soreThroat = "sore_throat"
    case lossOfTaste = "loss_of_taste"
    case shortnessOfBreath = "shortness_of_breath"

    public static let field = "symptoms"

    public var chineseName: String {
        switch self {
        case .fever: "发热"
        case .cough: "咳嗽"
        case .fatigue: "乏力"
        case .soreThroat: "咽痛"
        case .lossOfTaste: "味觉丧失"
        case .shortnessOfBreath: "呼吸困难"
        }
    }

    public var englishName: String {
        switch self {
        case .fever: "fever"
        case .cough: "cough"
        case .fatigue: "fatigue"
        case .soreThroat: "sore throat"
        case .lossOfTaste: "loss of taste"
        case .shortnessOfBreath: "shortness of breath"
        }
    }

    /// Validates a list of symptom names (case-insensitive); an empty list is "no symptoms".
    /// Unknown names and repeated names are errors.
    public static func parseList(_ items: [String]) -> Result<[Symptom], FieldError> {
        var symptoms: [Symptom] = []
        var unknown: [String] = []
        var repeated: [String] = []
        for item in items {
            guard let symptom = Symptom(rawValue: item.trimmingSpaces.lowercased()) else {
                unknown.append(item)
                continue
            }
            if symptoms.contains(symptom) { repeated.append(item) } else { symptoms.append(symptom) }
        }
        if !unknown.isEmpty {
            let names = unknown.prefix(3).map { TextNormalization.quoted($0) }.joined(separator: ", ")
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(FieldError(field: field, code: .unknownValue,
                                       message: "Unknown symptom \(names); choose from \(known).",
                                       messageZH: "未知症状 \(names)，可选：\(known)。"))
        }
        if !repeated.isEmpty {
            return .failure(FieldError(field: field, code: .duplicate,
                                       message: "Symptom \(TextNormalization.quoted(repeated[0])) is listed twice.",
                                       messageZH: "症状 \(TextNormalization.quoted(repeated[0])) 重复填写。"))
        }
        return .success(symptoms)
    }
}
