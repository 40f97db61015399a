import Foundation
import GridPassCore
import Testing

@Suite("Instants as the API writes them (UTCTimestamp)")
struct UTCTimestampTests {
    /// What Foundation writes for the same instant: the reference `UTCTimestamp.iso` replaces on the scan path.
    static func foundation(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }

    /// 1900-01-01T00:00:00Z and 2100-12-31T23:59:59Z.
    static let first: Int64 = -2_208_988_800, last: Int64 = 4_133_980_799

    @Test("known instants")
    func known() {
        #expect(UTCTimestamp.iso(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTimestamp.iso(-1) == "1969-12-31T23:59:59Z")
        #expect(UTCTimestamp.iso(1_795_771_800) == "2026-11-27T09:30:00Z")
        #expect(UTCTimestamp.iso(1_709_164_800) == "2024-02-29T00:00:00Z")
        #expect(UTCTimestamp.iso(951_868_799) == "2000-02-29T23:59:59Z")
        #expect(UTCTimestamp.iso(Self.first) == "1900-01-01T00:00:00Z")
        #expect(UTCTimestamp.iso(Self.last) == "2100-12-31T23:59:59Z")
    }

    @Test("equals Foundation's ISO 8601 around the epoch, leap days, ends of years and day boundaries")
    func edges() throws {
        var instants: [Int64] = [0, 1, -1, 59, 60, 3599, 3600, 86_399, 86_400, 86_401, -86_399, -86_400, -86_401,
                                 -2_208_988_800, -2_208_988_799, -1_000_000_000, -123_456_789, 4_133_980_799, 4_102_444_800,
                                 Int64(Date().timeIntervalSince1970)]
        // Leap days (2100 is not one: its February ends on the 28th) and the days around them.
        for day in ["1904-02-29", "1960-02-29", "1968-02-29", "1972-02-29", "2000-02-29", "2024-02-29", "2096-02-29",
                    "1900-02-28", "2100-02-28", "2023-02-28", "2023-03-01"] {
            let midnight = try #require(Day(iso: day)).startUnixSeconds + 8 * 3600  // 00:00 UTC of that date
            instants += [midnight - 1, midnight, midnight + 43_200, midnight + 86_399, midnight + 86_400]
        }
        // The last second of every year and the first of the next.
        for year in 1900...2100 {
            let newYear = try #require(Day(year: year, month: 1, day: 1)).startUnixSeconds + 8 * 3600
            instants += [newYear - 1, newYear]
        }
        for seconds in instants {
            #expect(UTCTimestamp.iso(seconds) == Self.foundation(seconds), "\(seconds)")
        }
    }

    @Test("equals Foundation's ISO 8601 for random instants from 1900 to 2100")
    func random() {
        var generator = SplitMix64(seed: 0x6772_6964_7061_7373)
        for _ in 0..<20_000 {
            let seconds = Int64.random(in: Self.first...Self.last, using: &generator)
            #expect(UTCTimestamp.iso(seconds) == Self.foundation(seconds), "\(seconds)")
        }
    }
}

/// A seeded generator, so that a failing instant is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
