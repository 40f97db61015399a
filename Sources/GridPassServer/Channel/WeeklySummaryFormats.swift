import Foundation
import GridPassCore

/// The Monday summary as JSON (CONTRACT §10), CSV and printable HTML (A4, with a chart of the
/// reports per day). The three show the same figures.
enum WeeklySummaryFormats {
    static func json(_ s: WeeklySummary) -> [String: Any] {
        [
            "place": s.place.code, "week": s.week.description,
            "problems": [
                "total": s.problemsTotal,
                "by_category": Dictionary(uniqueKeysWithValues: s.byCategory.map { ($0.0.rawValue, $0.1) }),
                "by_status": Dictionary(uniqueKeysWithValues: s.byStatus.map { ($0.0.rawValue, $0.1) }),
                "median_answer_hours": s.medianAnswerHours.map { ($0 * 10).rounded() / 10 as Any } ?? NSNull(),
            ] as [String: Any],
            "notices": ["total": s.notices.count, "reached": s.notices.map(\.reached).reduce(0, +), "read": s.notices.map(\.read).reduce(0, +)],
            "coverage": ["households": s.households, "registered": s.registered],
            "grids": s.grids.map { ["code": $0.code, "problems": $0.problems, "registered": $0.registered] as [String: Any] },
        ]
    }

    static func jsonText(_ s: WeeklySummary) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: json(s), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]),
               as: UTF8.self) + "\n"
    }

    /// One table: `section,key,value` rows (a spreadsheet filters by section).
    static func csv(_ s: WeeklySummary) -> String {
        var rows: [[String]] = [["summary", "place", s.place.code], ["summary", "week", s.week.description],
                                ["problems", "total", String(s.problemsTotal)]]
        rows += s.byCategory.map { ["problems.by_category", $0.0.rawValue, String($0.1)] }
        rows += s.byStatus.map { ["problems.by_status", $0.0.rawValue, String($0.1)] }
        rows.append(["problems", "median_answer_hours", s.medianAnswerHours.map { String(format: "%.1f", $0) } ?? ""])
        rows += zip(s.week.days, s.perDay).map { ["problems.per_day", $0.0.iso, String($0.1)] }
        rows += [["notices", "total", String(s.notices.count)], ["notices", "reached", String(s.notices.map(\.reached).reduce(0, +))],
                 ["notices", "read", String(s.notices.map(\.read).reduce(0, +))],
                 ["coverage", "households", String(s.households)], ["coverage", "registered", String(s.registered)]]
        for g in s.grids {
            rows += [["grid:" + g.code, "problems", String(g.problems)], ["grid:" + g.code, "households", String(g.households)],
                     ["grid:" + g.code, "registered", String(g.registered)]]
        }
        return CSVTable.render(header: ["section", "key", "value"], rows: rows)
    }

    static func html(_ s: WeeklySummary, pages: Pages, language: Language, placeName: String, csv: String? = nil) throws -> String {
        let t = StaffText(language)
        let maxDay = max(1, s.perDay.max() ?? 1)
        let bars = zip(s.week.days, s.perDay).enumerated().map { i, pair -> [String: Any] in
            let h = Double(pair.1) / Double(maxDay) * 80
            return ["x": 10 + i * 40, "y": 95 - Int(h.rounded()), "h": Int(h.rounded()), "n": pair.1, "label": language.shortDate(pair.0), "lx": 24 + i * 40]
        }
        let values: [String: Any] = [
            "title": t["summary_title"], "placeName": placeName, "week": s.week.description,
            "from": language.date(s.week.monday), "to": language.date(s.week.monday.advanced(by: 6)),
            "total": s.problemsTotal, "median": s.medianAnswerHours.map { String(format: "%.1f", $0) } ?? "—",
            "categories": s.byCategory.map { ["name": t["cat_" + $0.0.rawValue], "n": $0.1] },
            "statuses": s.byStatus.map { ["name": t["pstatus_" + $0.0.rawValue], "n": $0.1] },
            "bars": bars,
            "open": s.open.map { item in
                ["id": item.problem.id, "category": t["cat_" + item.problem.category.rawValue], "text": item.problem.text,
                 "grid": s.grids.first { $0.id == item.problem.gridID }?.name ?? "",
                 "at": t.time(item.problem.createdAt), "overdue": item.overdue] as [String: Any]
            },
            "hasOpen": !s.open.isEmpty,
            "notices": s.notices.map { ["title": $0.title, "reached": $0.reached, "read": $0.read,
                                        "rate": $0.reached == 0 ? "—" : String(format: "%.0f %%", 100 * Double($0.read) / Double($0.reached))] },
            "hasNotices": !s.notices.isEmpty,
            "households": s.households, "registered": s.registered,
            "grids": s.grids.map { ["code": $0.code, "name": $0.name, "problems": $0.problems, "households": $0.households, "registered": $0.registered] },
            "s": t.strings, "csv": csv ?? "",
        ]
        return try pages.render("summary-weekly", values, language: language)
    }

}

/// `gridpass summary weekly` (CONTRACT §10): the summary of a place's week as a file.
public enum WeeklySummaryExport {
    public enum Format: String, Sendable, CaseIterable { case html, csv, json }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The summary of `placeCode` for `week` (`YYYY-Www`; the current ISO week, China time, when nil).
    public static func render(_ services: AppServices, place placeCode: String, week text: String?, format: Format,
                              now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> String {
        guard let place = try await services.places.place(code: placeCode) else { throw Failure(description: "--place: no place has the code '\(placeCode)'") }
        var week = ISOWeek(containing: Day(unixSeconds: now))
        if let text {
            guard let parsed = ISOWeek(text) else { throw Failure(description: "--week must be YYYY-Www, e.g. \(week)") }
            week = parsed
        }
        let summary = try await ChannelService(services: services).weekly(place, week: week, now: now)
        switch format {
        case .json: return try WeeklySummaryFormats.jsonText(summary)
        case .csv: return WeeklySummaryFormats.csv(summary)
        case .html:
            return try WeeklySummaryFormats.html(summary, pages: services.pages, language: .zh,
                                                 placeName: try await services.places.path(of: place).fullName)
        }
    }
}
