/// The colour rules (CONTRACT §5) as data. The shipped default is `Resources/rules/default-rules.json`;
/// `--rules FILE` replaces it. The format is described in `Resources/rules/README.md`.
///
/// Load with `Rules(json:)`, then call `evaluate(declarations:flags:risks:today:)` (pure: the day
/// is passed in) and `regionsTouched(_:today:)`.
public struct Rules: Sendable {
    /// How many days a visited region counts: a declaration made today counts, one made
    /// `lookbackDays` days ago no longer does.
    public let lookbackDays: Int
    /// The non-green levels, most severe first.
    public let levels: [Level]
    /// How many days ahead a visitor must be announced (CONTRACT §10; the article: "提前两天").
    public let visitorNoticeDays: Int

    public struct Level: Sendable {
        public let color: HealthColor
        /// Consecutive clean days of daily reports, after the last trigger of this level, that end it.
        public let recoveryDays: Int
        public let triggers: [Trigger]
    }

    public struct Trigger: Sendable {
        /// The machine code of the reasons it gives, e.g. `high_risk_region`.
        public let code: String
        public let condition: Condition
        let zh: ReasonTemplate
        let en: ReasonTemplate
    }

    public enum Condition: Sendable, Equatable {
        /// The declaration's `contact` equals the value.
        case contact(String)
        /// A staff flag of this kind is open.
        case flag(StaffFlagKind)
        /// A region visited, declared within the lookback window, has this risk level now.
        case regionRisk(RiskLevel)
        /// The declared temperature is at least this many °C.
        case temperatureAtLeast(Double)
        /// The declaration lists this symptom, or any symptom when nil.
        case symptom(String?)
    }

    static let contacts: Set<String> = ["none", "secondary", "close"]
    static let symptoms = ["fever", "cough", "fatigue", "sore_throat", "loss_of_taste", "shortness_of_breath"]
}

// MARK: - Parsing

extension Rules {
    /// Parses and checks a rules file.
    /// - Throws: `RulesError` naming the line and column (JSON syntax) or the path of the bad
    ///   field (`yellow.triggers[1].when.temperature_at_least: …`).
    public init(json: String) throws(RulesError) {
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(json) } catch { throw RulesError(error.message) }
        let root = try RulesNode(value: parsed, path: "")
        let fields = try root.object(allowed: ["version", "description", "lookback_days", "red", "yellow", "visitor_notice_days"])
        let version = try fields.required("version")
        guard case .number(1, true) = version.value else { throw version.error("this server reads version 1 only") }
        _ = try fields.optional("description")?.string()
        lookbackDays = try fields.required("lookback_days").integer(in: 1...366)
        visitorNoticeDays = try fields.optional("visitor_notice_days")?.integer(in: 0...30) ?? 2
        var codes = Set<String>()
        levels = try [HealthColor.red, .yellow].map { (color) throws(RulesError) in
            try Self.level(color, fields.required(color.rawValue), codes: &codes)
        }
    }

    private static func level(_ color: HealthColor, _ node: RulesNode, codes: inout Set<String>) throws(RulesError) -> Level {
        let fields = try node.object(allowed: ["recovery_days", "triggers"])
        let recovery = try fields.required("recovery_days").integer(in: 1...366)
        var triggers: [Trigger] = []
        for item in try fields.required("triggers").array() {
            let trigger = try Self.trigger(item)
            guard codes.insert(trigger.code).inserted else {
                throw item.error("code \"\(trigger.code)\" is used by another trigger")
            }
            triggers.append(trigger)
        }
        return Level(color: color, recoveryDays: recovery, triggers: triggers)
    }

    private static func trigger(_ node: RulesNode) throws(RulesError) -> Trigger {
        let fields = try node.object(allowed: ["code", "when", "zh", "en"])
        let codeNode = try fields.required("code")
        let code = try codeNode.string()
        guard !code.isEmpty, code.utf8.count <= 64,
              code.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                  || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") })
        else { throw codeNode.error("a code is 1–64 characters of a–z, 0–9 and _") }
        let condition = try Self.condition(fields.required("when"))
        let placeholders = ReasonTemplate.placeholders(for: condition)
        let zh = try fields.required("zh")
        let en = try fields.required("en")
        return Trigger(code: code, condition: condition,
                       zh: try ReasonTemplate(zh.string(), allowed: placeholders, at: zh),
                       en: try ReasonTemplate(en.string(), allowed: placeholders, at: en))
    }

    private static func condition(_ node: RulesNode) throws(RulesError) -> Condition {
        let kinds = ["contact", "flag", "region_risk", "temperature_at_least", "symptom"]
        let fields = try node.object(allowed: Set(kinds))
        guard fields.count == 1, let (key, value) = fields.first else {
            throw node.error("needs exactly one condition, one of: \(kinds.joined(separator: ", "))")
        }
        switch key {
        case "contact":
            let contact = try value.string()
            guard contacts.contains(contact) else { throw value.error("expected one of: none, secondary, close") }
            return .contact(contact)
        case "flag":
            let raw = try value.string()
            guard let flag = StaffFlagKind(rawValue: raw), flag != .cleared else {
                throw value.error("expected one of: confirmed, suspected, close_contact")
            }
            return .flag(flag)
        case "region_risk":
            guard let risk = RiskLevel(rawValue: try value.string()) else { throw value.error("expected high or medium") }
            return .regionRisk(risk)
        case "temperature_at_least":
            let t = try value.number()
            guard (34.0...43.0).contains(t) else { throw value.error("expected a temperature from 34.0 to 43.0") }
            return .temperatureAtLeast(t)
        default:
            let symptom = try value.string()
            if symptom == "any" { return .symptom(nil) }
            guard symptoms.contains(symptom) else {
                throw value.error("expected any or one of: \(symptoms.joined(separator: ", "))")
            }
            return .symptom(symptom)
        }
    }
}

/// A JSON value with its path in the file, for error messages.
private struct RulesNode: RulesLocation {
    let value: JSONValue
    let path: String

    func error(_ message: String) -> RulesError { RulesError(path.isEmpty ? message : "\(path): \(message)") }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func object(allowed: Set<String>) throws(RulesError) -> RulesFields {
        guard case .object(let members) = value else { throw error("expected an object, found \(value.typeName)") }
        for (key, _) in members where !allowed.contains(key) {
            throw error("unknown field \"\(key)\" (expected: \(allowed.sorted().joined(separator: ", ")))")
        }
        return RulesFields(node: self, members: members.map { ($0.key, RulesNode(value: $0.value, path: child($0.key))) })
    }

    func array() throws(RulesError) -> [RulesNode] {
        guard case .array(let items) = value else { throw error("expected an array, found \(value.typeName)") }
        return items.enumerated().map { RulesNode(value: $1, path: "\(path)[\($0)]") }
    }

    func string() throws(RulesError) -> String {
        guard case .string(let s) = value else { throw error("expected a string, found \(value.typeName)") }
        return s
    }

    func number() throws(RulesError) -> Double {
        guard case .number(let v, _) = value else { throw error("expected a number, found \(value.typeName)") }
        return v
    }

    func integer(in range: ClosedRange<Int>) throws(RulesError) -> Int {
        guard case .number(let v, let isInteger) = value, isInteger, v >= Double(range.lowerBound),
              v <= Double(range.upperBound)
        else { throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return Int(v)
    }
}

private struct RulesFields {
    let node: RulesNode
    let members: [(key: String, node: RulesNode)]

    var count: Int { members.count }
    var first: (String, RulesNode)? { members.first.map { ($0.key, $0.node) } }

    func optional(_ key: String) -> RulesNode? { members.first { $0.key == key }?.node }

    func required(_ key: String) throws(RulesError) -> RulesNode {
        guard let n = optional(key) else { throw node.error("missing field \"\(key)\"") }
        return n
    }
}
