import Foundation
import GridPassCore
import Testing

@Suite("Rules: triggers")
struct RulesEvaluationTests {
    let rules: Rules
    init() throws { rules = try Fixture.defaultRules() }

    typealias F = Fixture

    @Test("nothing declared, or only clean declarations: green with no reasons")
    func green() {
        #expect(rules.on(0, []) == Evaluation(color: .green, reasons: []))
        let e = rules.on(3, F.clean(0...3))
        #expect(e.color == .green && e.reasons.isEmpty)
    }

    @Test("each red trigger on its own", arguments: [
        ("close_contact", [F.report(0, contact: "close")], [StaffFlag](), [String: RiskLevel]()),
        ("flag_confirmed", [F.report(0)], [StaffFlag(.confirmed, day: F.day(0))], [:]),
        ("flag_suspected", [F.report(0)], [StaffFlag(.suspected, day: F.day(0))], [:]),
        ("flag_close_contact", [F.report(0)], [StaffFlag(.closeContact, day: F.day(0))], [:]),
        ("high_risk_region", [F.report(0, visited: ["110105"])], [], ["110105": .high]),
    ])
    func red(_ code: String, _ declarations: [Declaration], _ flags: [StaffFlag], _ risks: [String: RiskLevel]) {
        let e = rules.on(1, declarations, flags: flags, risks: risks)
        #expect(e.color == .red)
        #expect(e.reasons.map(\.code) == [code])
        #expect(e.reasons.allSatisfy { $0.color == .red && $0.day == F.day(0) })
    }

    @Test("each yellow trigger on its own", arguments: [
        ("medium_risk_region", F.report(0, visited: ["310101"])),
        ("fever", F.report(0, temperature: 37.3)),
        ("symptom", F.report(0, symptoms: ["cough"])),
        ("secondary_contact", F.report(0, contact: "secondary")),
    ])
    func yellow(_ code: String, _ declaration: Declaration) {
        let e = rules.on(1, [declaration], risks: ["310101": .medium, "110105": .high])
        #expect(e.color == .yellow)
        #expect(e.reasons.map(\.code) == [code])
    }

    @Test("below the thresholds: 37.2 °C, no symptom, no contact, a region without risk")
    func belowThresholds() {
        let e = rules.on(0, [F.report(0, temperature: 37.2, visited: ["440305"])], risks: ["110105": .high])
        #expect(e.color == .green)
    }

    @Test("reasons carry the region and the day in Chinese and English")
    func reasonTexts() throws {
        let d = try #require(Day(iso: "2026-11-20"))
        let decl = Declaration(day: d, temperature: 38.04, symptoms: ["sore_throat"], visited: ["110105", "310101"])
        let risks: [String: RiskLevel] = ["110105": .high, "310101": .medium]
        let red = rules.evaluate(declarations: [decl], flags: [], risks: risks, today: d)
        let reason = try #require(red.reasons.first)
        #expect(red.reasons.count == 1, "only the triggers of the current colour")
        #expect(reason.code == "high_risk_region" && reason.region == "110105" && reason.day == d)
        #expect(reason.zh == "去过高风险地区 110105（2026年11月20日）")
        #expect(reason.en == "Visited high-risk region 110105 (20 Nov 2026)")

        let yellow = rules.evaluate(declarations: [decl], flags: [], risks: ["310101": .medium], today: d)
        #expect(yellow.color == .yellow)
        #expect(Set(yellow.reasons.map(\.code)) == ["medium_risk_region", "fever", "symptom"])
        let texts = yellow.reasons.map(\.zh)
        #expect(texts.contains("去过中风险地区 310101（2026年11月20日）"))
        #expect(texts.contains("体温 38.0 °C（2026年11月20日）"))
        #expect(texts.contains("症状：咽痛（2026年11月20日）"))
        #expect(yellow.reasons.map(\.en).contains("Symptom: sore throat (20 Nov 2026)"))
        #expect(yellow.reasons.first { $0.code == "symptom" }?.detail == "sore_throat")
    }

    @Test("red wins over yellow; the reasons are those of red")
    func severity() {
        let e = rules.on(2, [F.report(0, temperature: 39, contact: "secondary"), F.report(1, contact: "close")])
        #expect(e.color == .red)
        #expect(e.reasons.map(\.code) == ["close_contact"])
    }

    @Test("a region counts while its declaration is within the last 14 days")
    func lookback() {
        let decls = [F.report(0, visited: ["110105"])]
        let risks: [String: RiskLevel] = ["110105": .high]
        #expect(rules.on(13, decls, risks: risks).color == .red)
        #expect(rules.on(14, decls, risks: risks).color == .green)
        #expect(rules.regionsTouched(decls, today: F.day(13)) == ["110105"])
        #expect(rules.regionsTouched(decls, today: F.day(14)).isEmpty)
    }

    @Test("a change of the risk list flips the colour of the same declarations")
    func riskChanges() {
        let decls = [F.report(0, visited: ["110105", "440305"])] + F.clean(1...3)
        #expect(rules.on(3, decls).color == .green)
        #expect(rules.on(3, decls, risks: ["440305": .medium]).color == .yellow)
        #expect(rules.on(3, decls, risks: ["440305": .medium, "110105": .high]).color == .red)
        #expect(rules.on(3, decls, risks: ["110105": .medium]).color == .yellow)
        #expect(rules.on(3, decls, risks: ["310101": .high]).color == .green)
    }

    @Test("a person who stops reporting stays red or yellow")
    func noReports() {
        #expect(rules.on(100, [F.report(0, contact: "close")]).color == .red)
        #expect(rules.on(100, [F.report(0, symptoms: ["fatigue"])]).color == .yellow)
        #expect(rules.on(100, [F.report(0)], flags: [StaffFlag(.suspected, day: F.day(1))]).color == .red)
    }

    @Test("declarations after today are ignored")
    func future() {
        #expect(rules.on(0, [F.report(0), F.report(1, contact: "close")]).color == .green)
    }

    @Test("several declarations of a day: any trigger counts")
    func sameDay() {
        let decls = [F.report(0, temperature: 37.8), F.report(0)] + F.clean(1...6)
        #expect(rules.on(6, decls).color == .yellow)
        #expect(rules.on(7, decls + [F.report(7)]).color == .green)
    }

    @Test("one reason per trigger and region, the latest; newest first")
    func dedupe() throws {
        let decls = [F.report(0, visited: ["110105"]), F.report(1, visited: ["110105", "120101"]),
                     F.report(2, contact: "close"), F.report(3, symptoms: ["cough"])]
        let e = rules.on(3, decls, risks: ["110105": .high, "120101": .high])
        #expect(e.reasons.map(\.code) == ["close_contact", "high_risk_region", "high_risk_region"])
        #expect(e.reasons.map(\.day) == [F.day(2), F.day(1), F.day(1)])
        #expect(e.reasons.compactMap(\.region) == ["110105", "120101"])
    }

    @Test("one fever reason however many days: the latest day, on one day the highest")
    func feverDedupe() {
        let decls = [F.report(0, temperature: 38.5), F.report(1, temperature: 37.6), F.report(1, temperature: 37.9),
                     F.report(1, temperature: 37.4)]
        let e = rules.on(1, decls)
        #expect(e.reasons.map(\.code) == ["fever"])
        #expect(e.reasons.first?.detail == "37.9" && e.reasons.first?.day == F.day(1))
        #expect(e.reasons.first?.en == "Temperature 37.9 °C (2 Nov 2026)")
    }

    @Test("regionsTouched: visited regions in the window only")
    func regionsTouched() {
        let decls = [F.report(0, visited: ["110105"]), F.report(5, visited: ["310101", "440305"]), F.report(9, visited: ["310101"])]
        #expect(rules.regionsTouched(decls, today: F.day(9)) == ["110105", "310101", "440305"])
        #expect(rules.regionsTouched(decls, today: F.day(14)) == ["310101", "440305"])
        #expect(rules.regionsTouched(decls, today: F.day(4)) == ["110105"])
        #expect(rules.regionsTouched(decls, today: F.day(30)).isEmpty)
    }
}

@Suite("Reasons name regions")
struct RegionNameReasonTests {
    @Test("with a region-name lookup the reason shows the region's full name; unknown codes stay codes")
    func names() throws {
        let rules = try Rules(json: try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Resources/rules/default-rules.json").standardizedFileURL.path, encoding: .utf8))
        let day = try #require(Day(iso: "2026-11-20"))
        let d = Declaration(day: day, temperature: 36.5, symptoms: [], visited: ["420106", "999999"], contact: "none")
        let evaluation = rules.evaluate(declarations: [d], flags: [], risks: ["420106": .high, "999999": .high], today: day,
                                        regionName: { $0 == "420106" ? "湖北省武汉市武昌区" : nil })
        let texts = evaluation.reasons.map(\.zh)
        #expect(texts.contains("去过高风险地区 湖北省武汉市武昌区（2026年11月20日）"))
        #expect(texts.contains("去过高风险地区 999999（2026年11月20日）"))
    }
}
