import Foundation
import Synchronization

/// The deployment's time zone (`gridpass serve --time-zone`, default Asia/Shanghai): the zone in
/// which days begin (daily reports, "today", ISO weeks) and in which every page, print sheet and
/// CSV shows times. The JSON API keeps UTC instants (RFC 3339).
///
/// The zone is one setting of the whole process, like the machine's own zone: `serve` chooses it
/// once before the first request (`LocalZone.use`), and `Day(unixSeconds:)` reads it. Code that
/// must not depend on that setting (tests of a zone, the formatting functions) passes a zone.
public struct LocalZone: Sendable, Equatable {
    /// The IANA name, e.g. `Asia/Shanghai`.
    public let identifier: String
    private let zone: TimeZone?
    /// The offset when the zone has one for good (China has had no daylight saving since 1991).
    private let fixedOffset: Int64?

    /// A zone by its IANA name (`Asia/Shanghai`, `Europe/Berlin`, `UTC`); nil for an unknown name.
    public init?(identifier: String) {
        if let zone = TimeZone(identifier: identifier) {
            self.identifier = identifier
            self.zone = zone
            // No transition ahead: the offset is the same for every instant the service will see.
            let now = Date()
            fixedOffset = zone.nextDaylightSavingTimeTransition(after: now) == nil
                ? Int64(zone.secondsFromGMT(for: now)) : nil
        } else if identifier == "Asia/Shanghai" {
            // A machine without tzdata still knows the default zone: UTC+8 all year.
            self.identifier = identifier
            zone = nil
            fixedOffset = 8 * 3600
        } else {
            return nil
        }
    }

    /// China Standard Time, the default.
    public static let shanghai = LocalZone(identifier: "Asia/Shanghai")!

    /// Seconds east of UTC at the instant.
    public func offset(at unixSeconds: Int64) -> Int64 {
        if let fixedOffset { return fixedOffset }
        return Int64(zone?.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))) ?? 0)
    }

    /// The instant shown as local wall-clock fields.
    public func local(_ unixSeconds: Int64) -> LocalDateTime {
        let offset = offset(at: unixSeconds)
        let local = unixSeconds + offset
        let days = Day.days(in: local)
        let second = Int(local - days * 86_400)
        let (y, m, d) = Day.civil(fromDays: Int(days))
        return LocalDateTime(year: y, month: m, day: d, hour: second / 3600, minute: second / 60 % 60, second: second % 60,
                             offsetSeconds: Int(offset))
    }

    /// The day containing the instant, in this zone.
    public func day(of unixSeconds: Int64) -> Day {
        Day(number: Int(Day.days(in: unixSeconds + offset(at: unixSeconds))))
    }

    /// The instant the day begins in this zone (its local midnight).
    public func start(of day: Day) -> Int64 {
        let midnightUTC = Int64(day.number) * 86_400
        // The offset in force at local midnight: try the offset of the UTC midnight, then correct once.
        let guess = midnightUTC - offset(at: midnightUTC)
        return midnightUTC - offset(at: guess)
    }

    public static func == (a: LocalZone, b: LocalZone) -> Bool { a.identifier == b.identifier }

    // MARK: - The deployment's zone

    private static let configured = Mutex<LocalZone>(.shanghai)

    /// The zone `serve` was started with (Asia/Shanghai unless told otherwise).
    public static var deployment: LocalZone { configured.withLock { $0 } }

    /// Chooses the deployment's zone; called once at start-up, before the first request.
    public static func use(_ zone: LocalZone) { configured.withLock { $0 = zone } }
}

/// An instant as a clock on the wall of the zone shows it.
public struct LocalDateTime: Sendable, Equatable {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int
    /// Seconds east of UTC in force at that instant.
    public let offsetSeconds: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetSeconds: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second, self.offsetSeconds) =
            (year, month, day, hour, minute, second, offsetSeconds)
    }
}
