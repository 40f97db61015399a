/// An ISO 8601 week (`2026-W49`), Monday to Sunday in China time.
public struct ISOWeek: Sendable, Equatable, CustomStringConvertible {
    public let year: Int
    public let week: Int
    /// Its Monday.
    public let monday: Day

    /// ISO weekday: Monday 1 … Sunday 7 (1970-01-01 was a Thursday).
    public static func weekday(_ day: Day) -> Int { ((day.number + 3) % 7 + 7) % 7 + 1 }

    /// The week that contains `day`.
    public init(containing day: Day) {
        monday = day.advanced(by: -(Self.weekday(day) - 1))
        let thursday = monday.advanced(by: 3)
        year = thursday.components.year
        let jan1 = Day(year: year, month: 1, day: 1)!
        week = jan1.distance(to: thursday) / 7 + 1
    }

    /// Parses `YYYY-Www` (weeks 01–53 that exist in that year).
    public init?(_ text: some StringProtocol) {
        let c = Array(text.utf8)
        guard c.count == 8, c[4] == UInt8(ascii: "-"), c[5] == UInt8(ascii: "W"),
              let y = Int(String(decoding: c[0..<4], as: UTF8.self)), let w = Int(String(decoding: c[6..<8], as: UTF8.self)),
              (1...53).contains(w), let jan4 = Day(year: y, month: 1, day: 4) else { return nil }
        let monday = jan4.advanced(by: -(Self.weekday(jan4) - 1)).advanced(by: 7 * (w - 1))
        let candidate = ISOWeek(containing: monday)
        guard candidate.year == y, candidate.week == w else { return nil }
        self = candidate
    }

    public var days: [Day] { (0..<7).map { monday.advanced(by: $0) } }
    public var start: Int64 { monday.startUnixSeconds }
    public var end: Int64 { monday.advanced(by: 7).startUnixSeconds }

    public var description: String {
        let w = week < 10 ? "0\(week)" : "\(week)"
        return "\(year)-W\(w)"
    }
}

/// The Monday summary of a community or street (CONTRACT §10), computed from the rows of one
/// week: problem reports and notices created in the week at or below the place; coverage as of
/// the week's end (households expected against people registered and active by then).
public struct WeeklySummary: Sendable, Equatable {
    public struct Grid: Sendable, Equatable {
        public var id: Int64
        public var code: String
        public var name: String
        public var problems: Int
        public var households: Int
        public var registered: Int
    }

    public struct NoticeLine: Sendable, Equatable {
        public var title: String
        public var reached: Int
        public var read: Int
    }

    public var place: Place
    public var week: ISOWeek
    public var problemsTotal: Int
    public var byCategory: [(ProblemCategory, Int)]
    public var byStatus: [(ProblemRecord.Status, Int)]
    public var medianAnswerHours: Double?
    /// Reports filed each day of the week, Monday first.
    public var perDay: [Int]
    /// Reports of the week still open (the oldest first), with whether they are overdue.
    public var open: [(problem: ProblemRecord, overdue: Bool)]
    public var notices: [NoticeLine]
    public var households: Int
    public var registered: Int
    public var grids: [Grid]

    public static func == (a: WeeklySummary, b: WeeklySummary) -> Bool {
        a.place == b.place && a.week == b.week && a.problemsTotal == b.problemsTotal && a.byCategory.map(\.1) == b.byCategory.map(\.1)
            && a.byStatus.map(\.1) == b.byStatus.map(\.1) && a.medianAnswerHours == b.medianAnswerHours && a.perDay == b.perDay
            && a.notices == b.notices && a.households == b.households && a.registered == b.registered && a.grids == b.grids
    }

    /// - Parameters:
    ///   - subtree: `place` and every place below it, parents before children.
    ///   - problems: the reports created in the week at doors of the subtree.
    ///   - notices: the notices created in the week posted to places of the subtree, with their reach.
    ///   - registered: active people registered by the week's end, per place.
    public init(place: Place, week: ISOWeek, subtree: [Place], problems: [ProblemRecord], notices: [(NoticeRecord, reached: Int, read: Int)],
                registered: [Int64: Int], now: Int64) {
        self.place = place
        self.week = week
        problemsTotal = problems.count
        byCategory = ProblemCategory.allCases.map { c in (c, problems.filter { $0.category == c }.count) }
        byStatus = ProblemRecord.Status.allCases.map { s in (s, problems.filter { $0.status == s }.count) }
        let hours = problems.compactMap { p in p.answeredAt.map { Double($0 - p.createdAt) / 3600 } }.sorted()
        medianAnswerHours = hours.isEmpty ? nil
            : hours.count % 2 == 1 ? hours[hours.count / 2] : (hours[hours.count / 2 - 1] + hours[hours.count / 2]) / 2
        perDay = week.days.map { day in problems.filter { Day(unixSeconds: $0.createdAt) == day }.count }
        open = problems.filter { $0.status == .open }.sorted { $0.createdAt < $1.createdAt }.map { ($0, $0.isOverdue(now: now)) }
        self.notices = notices.map { NoticeLine(title: $0.0.title, reached: $0.reached, read: $0.read) }

        // Households: each home's (unit, or building without units) households, else its rooms.
        var parent: [Int64: Int64] = [:]
        for p in subtree { if let up = p.parentID { parent[p.id] = up } }
        let byID = Dictionary(uniqueKeysWithValues: subtree.map { ($0.id, $0) })
        func grid(of id: Int64) -> Int64? {
            var current: Int64? = id
            while let c = current, let p = byID[c] {
                if p.kind == .grid { return p.id }
                current = parent[c]
            }
            return nil
        }
        func expected(_ p: Place) -> Int {
            let home = p.kind == .unit || (p.kind == .building && !subtree.contains { $0.parentID == p.id && $0.kind == .unit })
            guard home else { return 0 }
            return p.households ?? p.rooms.count
        }
        households = subtree.map(expected).reduce(0, +)
        self.registered = subtree.map { registered[$0.id] ?? 0 }.reduce(0, +)
        grids = subtree.filter { $0.kind == .grid }.map { g in
            let members = subtree.filter { grid(of: $0.id) == g.id }
            return Grid(id: g.id, code: g.code, name: g.name, problems: problems.filter { $0.gridID == g.id }.count,
                        households: members.map(expected).reduce(0, +), registered: members.map { registered[$0.id] ?? 0 }.reduce(0, +))
        }
    }
}
