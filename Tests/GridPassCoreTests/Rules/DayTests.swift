import GridPassCore
import Testing

@Suite("Calendar days in China time")
struct DayTests {
    @Test("1970-01-01 is day 0; ISO text round trip")
    func epoch() throws {
        #expect(Day(year: 1970, month: 1, day: 1)?.number == 0)
        #expect(Day(number: 0).iso == "1970-01-01")
        let day = try #require(Day(iso: "2026-11-20"))
        #expect(day.iso == "2026-11-20")
        #expect(day.components.year == 2026 && day.components.month == 11 && day.components.day == 20)
        #expect(Day(iso: "2024-02-29")?.advanced(by: 1).iso == "2024-03-01")
        #expect(Day(iso: "1969-12-31")?.number == -1)
    }

    @Test("every day from 1900 to 2200 round-trips through its date")
    func roundTrip() throws {
        let first = try #require(Day(iso: "1900-01-01")), last = try #require(Day(iso: "2200-12-31"))
        var previous: (year: Int, month: Int, day: Int)?
        for day in first...last {
            let c = day.components
            #expect(Day(year: c.year, month: c.month, day: c.day) == day)
            if let p = previous {
                let nextDay = c.day == p.day + 1 && c.month == p.month && c.year == p.year
                let nextMonth = c.day == 1 && (c.month == p.month + 1 && c.year == p.year || c.month == 1 && p.month == 12 && c.year == p.year + 1)
                #expect(nextDay || nextMonth, "\(day)")
            }
            previous = c
        }
    }

    @Test("invalid dates are refused")
    func invalid() {
        for text in ["2026-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
                     "2026-1-01", "2026/01/01", "20260101", "2026-01-01 ", "２０２６-01-01"] {
            #expect(Day(iso: text) == nil, "\(text)")
        }
        #expect(Day(iso: "2000-02-29") != nil)
    }

    @Test("a day starts at midnight UTC+8")
    func unixSeconds() throws {
        let day = try #require(Day(iso: "2026-11-20"))
        let start: Int64 = 1_795_104_000  // 2026-11-19T16:00:00Z
        #expect(day.startUnixSeconds == start)
        #expect(Day(unixSeconds: start) == day)
        #expect(Day(unixSeconds: start - 1) == day.advanced(by: -1))
        #expect(Day(unixSeconds: start + 86_399) == day)
        #expect(Day(unixSeconds: start + 86_400) == day.advanced(by: 1))
        #expect(Day(unixSeconds: -8 * 3600) == Day(number: 0))
        #expect(Day(unixSeconds: -8 * 3600 - 1) == Day(number: -1))
    }
}
