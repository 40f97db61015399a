/// A reason text of a rules file with placeholders in braces: `去过高风险地区 {region}（{day}）`.
/// Which placeholders a trigger may use depends on its condition; anything else is refused at load.
struct ReasonTemplate: Sendable {
    enum Placeholder: String, Sendable, CaseIterable {
        /// The declaration's day, or the day a staff flag was set (`YYYY-MM-DD`).
        case day
        /// The region code (`region_risk` triggers).
        case region
        /// The declared temperature with one decimal (`temperature_at_least` triggers).
        case temperature
        /// The symptom's name in the text's language (`symptom` triggers).
        case symptom
    }

    enum Part: Sendable {
        case text(String)
        case value(Placeholder)
    }

    let parts: [Part]

    static func placeholders(for condition: Rules.Condition) -> Set<Placeholder> {
        switch condition {
        case .contact, .flag: [.day]
        case .regionRisk: [.day, .region]
        case .temperatureAtLeast: [.day, .temperature]
        case .symptom: [.day, .symptom]
        }
    }

    init(_ text: String, allowed: Set<Placeholder>, at node: some RulesLocation) throws(RulesError) {
        guard !text.isEmpty else { throw node.error("the text is empty") }
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else {
                throw node.error("unbalanced braces; placeholders are written {name}")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard let placeholder = Placeholder(rawValue: name), allowed.contains(placeholder) else {
                let names = Placeholder.allCases.filter(allowed.contains).map { "{\($0.rawValue)}" }
                throw node.error("unknown placeholder {\(name)}; this trigger offers \(names.joined(separator: ", "))")
            }
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            parts.append(.value(placeholder))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    func render(_ values: [Placeholder: String]) -> String {
        parts.map { part in
            switch part {
            case .text(let s): s
            case .value(let p): values[p] ?? ""
            }
        }.joined()
    }
}

/// Something that can name a place in the rules file in an error.
protocol RulesLocation {
    func error(_ message: String) -> RulesError
}

/// Names of the symptom codes for reason texts.
enum SymptomLabels {
    static let zh = ["fever": "发热", "cough": "咳嗽", "fatigue": "乏力", "sore_throat": "咽痛",
                     "loss_of_taste": "味觉丧失", "shortness_of_breath": "呼吸困难"]
    static let en = ["fever": "fever", "cough": "cough", "fatigue": "fatigue", "sore_throat": "sore throat",
                     "loss_of_taste": "loss of taste", "shortness_of_breath": "shortness of breath"]
}
