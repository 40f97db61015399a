import Foundation
import GridPassCore
import Testing

/// Shared helpers: the shipped default rules and short ways to write declarations.
enum Fixture {
    static let rulesURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/rules/default-rules.json")

    static func defaultRulesText() throws -> String {
        try String(contentsOf: rulesURL, encoding: .utf8)
    }

    static func defaultRules() throws -> Rules {
        try Rules(json: defaultRulesText())
    }

    /// Day 0 of the scenarios: 2026-11-01.
    static let start = Day(year: 2026, month: 11, day: 1)!

    static func day(_ n: Int) -> Day { start.advanced(by: n) }

    static func report(_ n: Int, temperature: Double = 36.5, symptoms: [String] = [], visited: [String] = [],
                       contact: String = "none") -> Declaration {
        Declaration(day: day(n), temperature: temperature, symptoms: symptoms, visited: visited, contact: contact)
    }

    /// Clean daily reports on each day of `days`.
    static func clean(_ days: ClosedRange<Int>) -> [Declaration] { days.map { report($0) } }
}

extension Rules {
    /// Evaluation on day `today` of the scenario.
    func on(_ today: Int, _ declarations: [Declaration], flags: [StaffFlag] = [],
            risks: [String: RiskLevel] = [:]) -> Evaluation {
        evaluate(declarations: declarations, flags: flags, risks: risks, today: Fixture.day(today))
    }
}
