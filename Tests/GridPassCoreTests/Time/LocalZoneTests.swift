import Foundation
import GridPassCore
import Testing

@Suite("The deployment's time zone (LocalZone)")
struct LocalZoneTests {
    static let shanghai = LocalZone(identifier: "Asia/Shanghai")!
    static let utc = LocalZone(identifier: "UTC")!
    static let berlin = LocalZone(identifier: "Europe/Berlin")!

    /// 2026-12-07T16:30:00Z: half past midnight on 8 December in Shanghai, still 7 December in UTC.
    static let nearMidnight: Int64 = 1_796_661_000

    @Test("an instant just after local midnight belongs to the next day in Shanghai, not in UTC")
    func nearMidnightDay() throws {
        #expect(Day(unixSeconds: Self.nearMidnight, in: Self.shanghai).iso == "2026-12-08")
        #expect(Day(unixSeconds: Self.nearMidnight, in: Self.utc).iso == "2026-12-07")
        // One second before local midnight (15:59:59Z) is still the 7th in Shanghai.
        #expect(Day(unixSeconds: 1_796_659_199, in: Self.shanghai).iso == "2026-12-07")
        #expect(Day(unixSeconds: 1_796_659_200, in: Self.shanghai).iso == "2026-12-08")
        let t = Self.shanghai.local(Self.nearMidnight)
        #expect(t == LocalDateTime(year: 2026, month: 12, day: 8, hour: 0, minute: 30, second: 0, offsetSeconds: 28_800))
    }

    @Test("a day starts at local midnight")
    func startOfDay() throws {
        let day = try #require(Day(iso: "2026-12-08"))
        #expect(Self.shanghai.start(of: day) == 1_796_659_200)   // 2026-12-07T16:00:00Z
        #expect(Self.utc.start(of: day) == 1_796_688_000)        // 2026-12-08T00:00:00Z
        for zone in [Self.shanghai, Self.utc, Self.berlin] {
            #expect(zone.day(of: zone.start(of: day)) == day)
            #expect(zone.day(of: zone.start(of: day) - 1) == day.advanced(by: -1))
        }
    }

    @Test("a zone with daylight saving takes the offset in force at the instant")
    func daylightSaving() throws {
        // Berlin: UTC+1 in winter, UTC+2 in summer (from 2026-03-29 01:00Z).
        #expect(Self.berlin.offset(at: 1_796_661_000) == 3600)
        #expect(Self.berlin.offset(at: 1_784_000_000) == 7200)
        let summerDay = try #require(Day(iso: "2026-07-14"))
        #expect(Self.berlin.start(of: summerDay) == Self.utc.start(of: summerDay) - 7200)
        // The day the clocks go forward still starts at its midnight (then UTC+1).
        let spring = try #require(Day(iso: "2026-03-29"))
        #expect(Self.berlin.start(of: spring) == Self.utc.start(of: spring) - 3600)
    }

    @Test("unknown zones are refused; Shanghai is known even without tzdata")
    func names() {
        #expect(LocalZone(identifier: "Mars/Olympus") == nil)
        #expect(LocalZone(identifier: "") == nil)
        #expect(LocalZone.shanghai.identifier == "Asia/Shanghai")
        #expect(LocalZone.shanghai.offset(at: 0) == 8 * 3600)
    }

    @Test("the local fields agree with Foundation's calendar for many instants")
    func againstFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        for zone in [Self.shanghai, Self.berlin, LocalZone(identifier: "America/New_York")!] {
            calendar.timeZone = try #require(TimeZone(identifier: zone.identifier))
            var t: Int64 = 1_700_000_000
            while t < 1_830_000_000 {
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(t)))
                let mine = zone.local(t)
                let theirs: [Int] = [c.year!, c.month!, c.day!, c.hour!, c.minute!]
                #expect([mine.year, mine.month, mine.day, mine.hour, mine.minute] == theirs, "\(zone.identifier) \(t)")
                t += 86_400 * 3 + 3_607
            }
        }
    }
}
