import GridPassCore
import Testing

@Suite("Rules: recovery")
struct RecoveryTests {
    let rules: Rules
    init() throws { rules = try Fixture.defaultRules() }

    typealias F = Fixture

    @Test("red: green after 14 consecutive clean daily reports, not after 13")
    func red() {
        let start = [F.report(0, contact: "close")]
        #expect(rules.on(13, start + F.clean(1...13)).color == .red)
        #expect(rules.on(14, start + F.clean(1...13)).color == .red, "today's report is still missing")
        let recovered = rules.on(14, start + F.clean(1...14))
        #expect(recovered.color == .green && recovered.reasons.isEmpty)
    }

    @Test("yellow: green after 7 consecutive clean daily reports, not after 6")
    func yellow() {
        let start = [F.report(0, temperature: 37.5)]
        #expect(rules.on(6, start + F.clean(1...6)).color == .yellow)
        #expect(rules.on(7, start + F.clean(1...7)).color == .green)
    }

    @Test("a day without a report resets the count")
    func gap() {
        let red = [F.report(0, contact: "close")] + F.clean(1...7) + F.clean(9...22)
        #expect(rules.on(21, Array(red.dropLast())).color == .red, "13 clean days after the gap")
        #expect(rules.on(22, red).color == .green, "14 clean days after the gap")
        let yellow = [F.report(0, symptoms: ["cough"])] + F.clean(1...3) + F.clean(5...11)
        #expect(rules.on(10, Array(yellow.dropLast())).color == .yellow)
        #expect(rules.on(11, yellow).color == .green)
    }

    @Test("a later trigger of any level restarts the count of red")
    func laterTrigger() {
        let decls = [F.report(0, contact: "close")] + F.clean(1...9) + [F.report(10, temperature: 37.6)] + F.clean(11...24)
        #expect(rules.on(17, Array(decls.prefix(18))).color == .red, "yellow over after 7, red still on")
        let e = rules.on(23, Array(decls.dropLast()))
        #expect(e.color == .red && e.reasons.map(\.code) == ["close_contact"])
        #expect(rules.on(24, decls).color == .green)
    }

    @Test("after a completed recovery, older triggers no longer count")
    func recoveredThenYellow() {
        let decls = [F.report(0, contact: "close")] + F.clean(1...14) + [F.report(20, symptoms: ["fever"])]
        let e = rules.on(21, decls)
        #expect(e.color == .yellow)
        #expect(e.reasons.map(\.code) == ["symptom"])
    }

    @Test("an open staff flag blocks recovery")
    func openFlag() {
        let decls = F.clean(0...40)
        let e = rules.on(40, decls, flags: [StaffFlag(.suspected, day: F.day(2))])
        #expect(e.color == .red)
        #expect(e.reasons.map(\.code) == ["flag_suspected"] && e.reasons.first?.day == F.day(2))
        #expect(e.reasons.first?.zh == "工作人员标记：疑似病例（2026年11月3日起）")
    }

    @Test("cleared closes the flag; then 14 clean days turn it green")
    func cleared() {
        let flags = [StaffFlag(.confirmed, day: F.day(0)), StaffFlag(.cleared, day: F.day(20))]
        let decls = F.clean(0...40)
        #expect(rules.on(19, decls, flags: flags).color == .red)
        #expect(rules.on(32, decls, flags: flags).color == .red, "13 clean days since the clearing day")
        #expect(rules.on(33, decls, flags: flags).color == .green, "days 20...33")
    }

    @Test("cleared closes only earlier flags; a flag set after it stays open")
    func flagAfterClearing() {
        let decls = F.clean(0...60)
        let flags = [StaffFlag(.closeContact, day: F.day(0)), StaffFlag(.cleared, day: F.day(5)),
                     StaffFlag(.suspected, day: F.day(30))]
        let e = rules.on(60, decls, flags: flags)
        #expect(e.color == .red && e.reasons.map(\.code) == ["flag_suspected"])
        let reordered = [flags[2], flags[0], flags[1]]
        #expect(rules.on(60, decls, flags: reordered).color == .red, "flags are ordered by their day")
        #expect(rules.on(29, decls, flags: flags).color == .green, "recovered from the first flag by day 19")
    }

    @Test("a cleared flag stays a reason until its own recovery is complete")
    func clearedFlagStillKeeps() {
        let flags = [StaffFlag(.closeContact, day: F.day(0)), StaffFlag(.cleared, day: F.day(5)),
                     StaffFlag(.suspected, day: F.day(10))]
        let e = rules.on(12, F.clean(0...12), flags: flags)
        #expect(e.reasons.map(\.code) == ["flag_suspected", "flag_close_contact"])
        #expect(e.reasons.map(\.day) == [F.day(10), F.day(0)])
    }

    @Test("the order of the declarations does not matter")
    func order() {
        let decls = [F.report(0, contact: "close")] + F.clean(1...9) + [F.report(10, temperature: 37.6)] + F.clean(11...20)
        var generator = SystemRandomNumberGenerator()
        let expected = rules.on(20, decls, risks: ["110105": .high])
        for _ in 0..<10 {
            #expect(rules.on(20, decls.shuffled(using: &generator), risks: ["110105": .high]) == expected)
        }
    }

    @Test("a flag cleared on the day it was set never fired")
    func clearedSameDay() {
        let flags = [StaffFlag(.suspected, day: F.day(3)), StaffFlag(.cleared, day: F.day(3))]
        #expect(rules.on(3, F.clean(0...3), flags: flags).color == .green)
    }

    @Test("cleared does not cancel declared triggers")
    func clearedKeepsDeclarations() {
        let decls = [F.report(0, contact: "close")] + F.clean(1...5)
        #expect(rules.on(5, decls, flags: [StaffFlag(.cleared, day: F.day(4))]).color == .red)
    }

    @Test("a region-only colour recovers by clean reports or by leaving the window")
    func regionRecovery() {
        let risks: [String: RiskLevel] = ["310101": .medium]
        let decls = [F.report(0, visited: ["310101"])] + F.clean(1...7)
        #expect(rules.on(6, decls, risks: risks).color == .yellow)
        #expect(rules.on(7, decls, risks: risks).color == .green)
        #expect(rules.on(13, [decls[0]], risks: risks).color == .yellow)
        #expect(rules.on(14, [decls[0]], risks: risks).color == .green)
    }
}
