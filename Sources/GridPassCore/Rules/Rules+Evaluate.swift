extension Rules {
    /// The colour on `today` and the triggers that keep it. Pure: everything is passed in.
    ///
    /// - A trigger fires on the day of the declaration that contains it; a visited region only
    ///   while that declaration lies within the lookback window and by the region's current risk.
    ///   A staff flag fires on every day it is open: from the day it was set until the day a later
    ///   `cleared` was set (that day is no longer open; a flag cleared the day it was set never fired).
    /// - A day is clean when it has at least one declaration, none of that day's declarations
    ///   fires a trigger (of any level) and no staff flag is open.
    /// - A level is active while its last trigger has not been followed by `recoveryDays`
    ///   consecutive clean days. The colour is the most severe active level, green otherwise.
    ///   A person who stops reporting keeps the colour (a region-only colour ends when the visit
    ///   leaves the lookback window).
    ///
    /// - Parameters:
    ///   - declarations: the registration and the daily reports, in any order; those after
    ///     `today` are ignored. Pass all of the person's: a trigger of any age keeps its colour
    ///     until the clean days that end it follow.
    ///   - flags: staff flags in the order they were set; `cleared` closes the flags before it.
    ///   - risks: the current risk list; regions not on it have no risk.
    ///   - today: the day of the evaluation (China time).
    ///   - regionName: the full name of a region code (`{region}` in reasons shows the name, the
    ///     code when it has none).
    public func evaluate(declarations: [Declaration], flags: [StaffFlag], risks: [String: RiskLevel],
                         today: Day, regionName: (String) -> String? = { _ in nil }) -> Evaluation {
        var hits: [RuleHit] = []
        var dirtyDays = Set<Day>()
        var reportDays = Set<Day>()
        for declaration in declarations where declaration.day <= today {
            reportDays.insert(declaration.day)
            let found = self.hits(declaration, risks: risks, today: today, regionName: regionName)
            if !found.isEmpty { dirtyDays.insert(declaration.day) }
            hits += found
        }
        let openFlags = Self.openIntervals(flags, today: today)
        hits += flagHits(openFlags)
        let cleanDays = reportDays.filter { day in
            !dirtyDays.contains(day) && !openFlags.contains { $0.days.contains(day) }
        }.sorted()
        let recovery = CleanRuns(cleanDays: cleanDays)

        for level in levels {
            let levelHits = hits.filter { $0.color == level.color }
            guard let last = levelHits.map(\.lastDay).max(),
                  !recovery.hasRun(after: last, length: level.recoveryDays)
            else { continue }
            let keeping = levelHits.filter { !recovery.hasRun(after: $0.lastDay, length: level.recoveryDays) }
            return Evaluation(color: level.color, reasons: Self.reasons(keeping))
        }
        return Evaluation(color: .green, reasons: [])
    }

    /// The region codes visited according to the declarations within the lookback window of
    /// `today`: the regions whose risk changes can change this person's colour.
    public func regionsTouched(_ declarations: [Declaration], today: Day) -> Set<String> {
        var regions = Set<String>()
        for declaration in declarations where inWindow(declaration.day, today: today) {
            regions.formUnion(declaration.visited)
        }
        return regions
    }

    func inWindow(_ day: Day, today: Day) -> Bool {
        day <= today && day.distance(to: today) < lookbackDays
    }
}

// MARK: - Triggers

/// A trigger that fired, with the days it covers.
struct RuleHit {
    let order: Int
    let code: String
    let color: HealthColor
    /// The day shown in the reason: the declaration's day, or the day the flag was set.
    let day: Day
    /// The last day the trigger fired: recovery counts from the day after.
    let lastDay: Day
    let region: String?
    let detail: String?
    /// What tells two hits of one trigger apart in the reasons: the region, symptom or flag.
    let subject: String?
    let zh: String
    let en: String
}

/// A staff flag and the days it was open.
struct OpenStaffFlag {
    let kind: StaffFlagKind
    let days: ClosedRange<Day>
}

extension Rules {
    private var indexedTriggers: [(order: Int, level: Level, trigger: Trigger)] {
        var out: [(Int, Level, Trigger)] = []
        for level in levels { for trigger in level.triggers { out.append((out.count, level, trigger)) } }
        return out
    }

    private func hits(_ d: Declaration, risks: [String: RiskLevel], today: Day, regionName: (String) -> String?) -> [RuleHit] {
        var out: [RuleHit] = []
        for (order, level, trigger) in indexedTriggers {
            func hit(region: String? = nil, detail: String? = nil, subject: String? = nil, zh: [ReasonTemplate.Placeholder: String] = [:],
                     en: [ReasonTemplate.Placeholder: String] = [:]) {
                var zhValues = zh, enValues = en
                zhValues[.day] = d.day.chineseText
                enValues[.day] = d.day.englishText
                out.append(RuleHit(order: order, code: trigger.code, color: level.color, day: d.day, lastDay: d.day,
                               region: region, detail: detail, subject: subject,
                               zh: trigger.zh.render(zhValues), en: trigger.en.render(enValues)))
            }
            switch trigger.condition {
            case .contact(let contact):
                if d.contact == contact { hit() }
            case .regionRisk(let risk):
                guard inWindow(d.day, today: today) else { continue }
                for region in Self.unique(d.visited) where risks[region] == risk {
                    let name = regionName(region) ?? region
                    hit(region: region, subject: region, zh: [.region: name], en: [.region: name])
                }
            case .temperatureAtLeast(let threshold):
                if d.temperature >= threshold {
                    let t = Self.oneDecimal(d.temperature)
                    hit(detail: t, zh: [.temperature: t], en: [.temperature: t])
                }
            case .symptom(let wanted):
                for symptom in Self.unique(d.symptoms) where wanted == nil || wanted == symptom {
                    hit(detail: symptom, subject: symptom, zh: [.symptom: SymptomLabels.zh[symptom] ?? symptom],
                        en: [.symptom: SymptomLabels.en[symptom] ?? symptom])
                }
            case .flag:
                continue
            }
        }
        return out
    }

    private func flagHits(_ flags: [OpenStaffFlag]) -> [RuleHit] {
        var out: [RuleHit] = []
        for flag in flags {
            for (order, level, trigger) in indexedTriggers where trigger.condition == .flag(flag.kind) {
                let first = flag.days.lowerBound
                out.append(RuleHit(order: order, code: trigger.code, color: level.color, day: first,
                               lastDay: flag.days.upperBound, region: nil, detail: flag.kind.rawValue, subject: flag.kind.rawValue,
                               zh: trigger.zh.render([.day: first.chineseText]), en: trigger.en.render([.day: first.englishText])))
            }
        }
        return out
    }

    /// The days each flag was open, up to `today`. Flags are taken in the order set (stably
    /// sorted by day); a `cleared` closes every flag before it from its own day on.
    static func openIntervals(_ flags: [StaffFlag], today: Day) -> [OpenStaffFlag] {
        let ordered = flags.enumerated()
            .filter { $0.element.day <= today }
            .sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }
            .map(\.element)
        var open: [StaffFlag] = []
        var out: [OpenStaffFlag] = []
        for flag in ordered {
            if flag.kind == .cleared {
                for o in open where o.day < flag.day {
                    out.append(OpenStaffFlag(kind: o.kind, days: o.day...flag.day.advanced(by: -1)))
                }
                open = []
            } else {
                open.append(flag)
            }
        }
        out += open.map { OpenStaffFlag(kind: $0.kind, days: $0.day...today) }
        return out
    }

    /// Keeps one reason per trigger and region, symptom or flag: the latest (on one day, the
    /// highest temperature). Newest first.
    static func reasons(_ hits: [RuleHit]) -> [Reason] {
        var latest: [String: RuleHit] = [:]
        for hit in hits {
            let key = "\(hit.code)\u{0}\(hit.subject ?? "")"
            if let seen = latest[key], (seen.lastDay, seen.detail ?? "") >= (hit.lastDay, hit.detail ?? "") { continue }
            latest[key] = hit
        }
        return latest.values
            .sorted { ($1.lastDay, $0.order, $0.region ?? "", $0.detail ?? "") < ($0.lastDay, $1.order, $1.region ?? "", $1.detail ?? "") }
            .map { Reason(code: $0.code, color: $0.color, day: $0.day, region: $0.region, detail: $0.detail, zh: $0.zh, en: $0.en) }
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// `37.25` → `"37.3"`, without Foundation.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}

// MARK: - CleanRuns

/// Runs of consecutive clean days.
struct CleanRuns {
    /// Sorted, unique.
    let cleanDays: [Day]

    /// Whether `length` consecutive clean days lie after `day`.
    func hasRun(after day: Day, length: Int) -> Bool {
        var run = 0
        var previous: Day?
        for clean in cleanDays where clean > day {
            run = previous.map { $0.advanced(by: 1) == clean } == true ? run + 1 : 1
            if run >= length { return true }
            previous = clean
        }
        return false
    }
}
