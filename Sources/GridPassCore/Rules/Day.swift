/// A calendar day in the deployment's time zone (`LocalZone`, China time unless told otherwise),
/// counted as days since 1970-01-01.
/// `Day`s form a range: `for day in first...last`, `day.advanced(by: 14)`, `a.distance(to: b)`.
public struct Day: Strideable, Hashable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (local calendar); negative before.
    public let number: Int

    public init(number: Int) { self.number = number }

    /// The day in the deployment's zone that contains the instant `unixSeconds`.
    public init(unixSeconds: Int64) {
        self = LocalZone.deployment.day(of: unixSeconds)
    }

    /// The day in `zone` that contains the instant.
    public init(unixSeconds: Int64, in zone: LocalZone) {
        self = zone.day(of: unixSeconds)
    }

    /// A real calendar date (proleptic Gregorian), else nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        number = Self.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let c = Array(text.utf8)
        guard c.count == 10, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for d in c[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d) else { return nil }
                n = n * 10 + Int(d - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The instant this day starts (00:00 in the deployment's zone), in Unix seconds.
    public var startUnixSeconds: Int64 { LocalZone.deployment.start(of: self) }

    public var components: (year: Int, month: Int, day: Int) { Self.civil(fromDays: number) }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let (y, m, d) = components
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    public var description: String { iso }

    /// The day as Chinese text reads it: `2026年12月7日`.
    public var chineseText: String {
        let (y, m, d) = components
        return "\(y)年\(m)月\(d)日"
    }

    /// The day as English text reads it: `7 Dec 2026`.
    public var englishText: String {
        let (y, m, d) = components
        return "\(d) \(Self.englishMonths[m - 1]) \(y)"
    }

    public static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Whole days since 1970-01-01 of `seconds` since its midnight, rounded down (also before 1970).
    static func days(in seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    }

    public func advanced(by n: Int) -> Day { Day(number: number + n) }
    public func distance(to other: Day) -> Int { other.number - number }
    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    // MARK: - Civil calendar (H. Hinnant's algorithms)

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Instants as the API and the logs write them: `2026-11-27T09:30:00Z` (UTC, whole seconds), or
/// with milliseconds `2026-11-27T09:30:00.123Z`.
public enum UTCTimestamp {
    public static func iso(_ unixSeconds: Int64) -> String {
        var out: [UInt8] = []
        append(unixSeconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the instant's text to `out`, with `.mmm` when `milliseconds` is given.
    public static func append(_ unixSeconds: Int64, milliseconds: Int? = nil, to out: inout [UInt8]) {
        let days = Day.days(in: unixSeconds)
        let second = Int(unixSeconds - days * 86_400)
        let (y, m, d) = Day.civil(fromDays: Int(days))
        func put(_ value: Int, width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out.append(contentsOf: digits)
        }
        put(y, width: 4); out.append(UInt8(ascii: "-")); put(m, width: 2); out.append(UInt8(ascii: "-")); put(d, width: 2)
        out.append(UInt8(ascii: "T")); put(second / 3600, width: 2); out.append(UInt8(ascii: ":"))
        put(second / 60 % 60, width: 2); out.append(UInt8(ascii: ":")); put(second % 60, width: 2)
        if let milliseconds { out.append(UInt8(ascii: ".")); put(milliseconds, width: 3) }
        out.append(UInt8(ascii: "Z"))
    }
}
