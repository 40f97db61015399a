import GridPassCore
import Testing

@Suite("Rules files")
struct RulesParsingTests {
    @Test("the shipped default rules load with the values of CONTRACT §5")
    func defaults() throws {
        let rules = try Fixture.defaultRules()
        #expect(rules.lookbackDays == 14)
        #expect(rules.levels.map(\.color) == [.red, .yellow])
        #expect(rules.levels.map(\.recoveryDays) == [14, 7])
        let red = rules.levels[0].triggers.map(\.condition)
        #expect(red.contains(.contact("close")))
        #expect(red.contains(.flag(.confirmed)) && red.contains(.flag(.suspected)) && red.contains(.flag(.closeContact)))
        #expect(red.contains(.regionRisk(.high)))
        let yellow = rules.levels[1].triggers.map(\.condition)
        #expect(yellow.contains(.regionRisk(.medium)) && yellow.contains(.temperatureAtLeast(37.3)))
        #expect(yellow.contains(.symptom(nil)) && yellow.contains(.contact("secondary")))
    }

    /// A minimal valid file with one field replaced by `patch`.
    static func minimal(lookback: String = "14", red: String = #"{"recovery_days": 14, "triggers": []}"#,
                        yellow: String = #"{"recovery_days": 7, "triggers": []}"#, extra: String = "") -> String {
        #"{"version": 1, "lookback_days": \#(lookback), "red": \#(red), "yellow": \#(yellow)\#(extra)}"#
    }

    static func trigger(_ when: String, code: String = "t", zh: String = "中 {day}", en: String = "en {day}") -> String {
        #"{"recovery_days": 7, "triggers": [{"code": "\#(code)", "when": \#(when), "zh": "\#(zh)", "en": "\#(en)"}]}"#
    }

    static func message(_ json: String) -> String? {
        do {
            _ = try Rules(json: json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("a minimal file with no triggers is valid and keeps everyone green")
    func minimalFile() throws {
        let rules = try Rules(json: Self.minimal())
        #expect(rules.on(0, [Fixture.report(0, temperature: 40, symptoms: ["cough"], contact: "close")]).color == .green)
    }

    @Test("errors name the place in the file", arguments: [
        ("", "line 1, column 1"),
        ("{\n  \"version\": 1,\n  \"lookback_days\": 14\n  \"red\": {}}", "line 4, column 3: expected ',' or '}'"),
        (#"{"version": 1, "version": 1}"#, "duplicate key \"version\""),
        (#"{"version": 2, "lookback_days": 14}"#, "version: this server reads version 1 only"),
        (minimal(lookback: "14.5"), "lookback_days: expected a whole number from 1 to 366"),
        (minimal(lookback: "0"), "lookback_days: expected a whole number"),
        (minimal(lookback: "\"14\""), "lookback_days: expected a whole number"),
        (minimal(extra: #", "green": {}"#), "unknown field \"green\""),
        (#"{"version": 1, "lookback_days": 14, "red": {"recovery_days": 14, "triggers": []}}"#, "missing field \"yellow\""),
        (minimal(red: #"{"triggers": []}"#), "red: missing field \"recovery_days\""),
        (minimal(red: #"{"recovery_days": 14, "triggers": {}}"#), "red.triggers: expected an array, found an object"),
        (minimal(yellow: trigger(#"{"temp": 38}"#)), "yellow.triggers[0].when: unknown field \"temp\""),
        (minimal(yellow: trigger(#"{}"#)), "yellow.triggers[0].when: needs exactly one condition"),
        (minimal(yellow: trigger(#"{"contact": "close", "symptom": "any"}"#)), "yellow.triggers[0].when: needs exactly one condition"),
        (minimal(yellow: trigger(#"{"contact": "closer"}"#)), "yellow.triggers[0].when.contact: expected one of"),
        (minimal(yellow: trigger(#"{"flag": "cleared"}"#)), "yellow.triggers[0].when.flag: expected one of"),
        (minimal(yellow: trigger(#"{"region_risk": "low"}"#)), "when.region_risk: expected high or medium"),
        (minimal(yellow: trigger(#"{"temperature_at_least": 50}"#)), "temperature_at_least: expected a temperature"),
        (minimal(yellow: trigger(#"{"temperature_at_least": "37.3"}"#)), "temperature_at_least: expected a number, found a string"),
        (minimal(yellow: trigger(#"{"symptom": "headache"}"#)), "when.symptom: expected any or one of"),
        (minimal(yellow: trigger(#"{"contact": "close"}"#, code: "Close")), "yellow.triggers[0].code: a code is"),
        (minimal(yellow: trigger(#"{"contact": "close"}"#, zh: "{region}")), "yellow.triggers[0].zh: unknown placeholder {region}; this trigger offers {day}"),
        (minimal(yellow: trigger(#"{"contact": "close"}"#, en: "oops {day")), "yellow.triggers[0].en: unbalanced braces"),
        (minimal(yellow: trigger(#"{"contact": "close"}"#, en: "")), "yellow.triggers[0].en: the text is empty"),
        (minimal(red: trigger(#"{"contact": "close"}"#, code: "x"), yellow: trigger(#"{"contact": "secondary"}"#, code: "x")),
         "yellow.triggers[0]: code \"x\" is used by another trigger"),
    ])
    func errors(_ json: String, _ expected: String) {
        let message = Self.message(json)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }

    @Test("JSON syntax: escapes, unicode, numbers and strictness")
    func syntax() throws {
        let escaped = try Rules(json: Self.minimal(yellow: Self.trigger(#"{"temperature_at_least": 3.75e1}"#,
                                                                         zh: #"\u4F53\u6E29 {temperature} \ud83c\udf21 \"ok\""#)))
        let e = escaped.on(0, [Fixture.report(0, temperature: 37.5)])
        #expect(e.reasons.first?.zh == "体温 37.5 🌡 \"ok\"")
        #expect(Self.message(Self.minimal() + " x")?.contains("after the end") == true)
        #expect(Self.message(#"{"version": 01}"#)?.contains("leading zero") == true)
        #expect(Self.message(#"{"version": 1,}"#)?.contains("expected a key") == true)
        #expect(Self.message(#"{"version": "a\u00"}"#)?.contains("hexadecimal") == true)
        #expect(Self.message(#"{"version": "\ud800"}"#)?.contains("surrogate") == true)
        #expect(Self.message("{\"version\": \"a\tb\"}")?.contains("control character") == true)
        #expect(Self.message(String(repeating: "[", count: 100))?.contains("nested too deeply") == true)
        #expect(Self.message(#"{"version": tru}"#)?.contains("unexpected character") == true)
    }

    @Test("a rules file changes the outcome: a fever threshold of 38.0")
    func customThreshold() throws {
        let text = try Fixture.defaultRulesText().replacingOccurrences(of: "37.3", with: "38.0")
        let rules = try Rules(json: text)
        #expect(rules.on(0, [Fixture.report(0, temperature: 37.9)]).color == .green)
        #expect(rules.on(0, [Fixture.report(0, temperature: 38.0)]).color == .yellow)
        #expect(try Fixture.defaultRules().on(0, [Fixture.report(0, temperature: 37.9)]).color == .yellow)
    }

    @Test("RulesError describes itself for the command line")
    func description() {
        #expect(RulesError("x: y").description == "rules: x: y")
    }
}
