import Testing
@testable import GridPassCore

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test func onlyRealDatesExist() {
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2023, month: 12, day: 31) != nil)
        #expect(CalendarDate(year: 2023, month: 0, day: 1) == nil)
        #expect(CalendarDate(year: 2023, month: 1, day: 0) == nil)
    }

    @Test func ordersAndPrints() throws {
        let a = try #require(CalendarDate(year: 1999, month: 12, day: 31))
        let b = try #require(CalendarDate(year: 2000, month: 1, day: 1))
        #expect(a < b)
        #expect(a.description == "1999-12-31")
        #expect(CalendarDate(year: 987, month: 1, day: 2)?.description == "0987-01-02")
    }

    @Test func convertsUnixTimesInAZone() {
        #expect(CalendarDate(unixSeconds: 0, zone: LocalZone(identifier: "UTC")!) == CalendarDate(year: 1970, month: 1, day: 1))
        #expect(CalendarDate(unixSeconds: -1, zone: LocalZone(identifier: "UTC")!) == CalendarDate(year: 1969, month: 12, day: 31))
        // 2024-02-29T16:00:00Z is already 1 March in Beijing.
        #expect(CalendarDate(unixSeconds: 1_709_222_400, zone: LocalZone(identifier: "UTC")!) == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate(unixSeconds: 1_709_222_400) == CalendarDate(year: 2024, month: 3, day: 1))
        #expect(CalendarDate(unixSeconds: 1_709_222_400 - 1) == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate(unixSeconds: 4_102_444_800, zone: LocalZone(identifier: "UTC")!) == CalendarDate(year: 2100, month: 1, day: 1))
    }
}
