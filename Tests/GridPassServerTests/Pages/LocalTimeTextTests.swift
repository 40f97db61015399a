import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import HummingbirdTesting
import Testing

@Suite("Times as people read them: the deployment's zone, the page's language")
struct LocalTimeTextTests {
    static let shanghai = LocalZone(identifier: "Asia/Shanghai")!
    static let utc = LocalZone(identifier: "UTC")!
    /// 2026-12-07T16:30:00Z: 00:30 on 8 December in Shanghai.
    static let nearMidnight: Int64 = 1_796_661_000

    @Test("an instant after local midnight shows the next day in Shanghai and its own day in UTC")
    func nearMidnight() {
        #expect(Language.zh.time(Self.nearMidnight, in: Self.shanghai) == "2026年12月8日 00:30")
        #expect(Language.en.time(Self.nearMidnight, in: Self.shanghai) == "8 Dec 2026, 00:30")
        #expect(Language.zh.time(Self.nearMidnight, in: Self.utc) == "2026年12月7日 16:30")
        #expect(Language.en.clock(Self.nearMidnight - 1_860, in: Self.shanghai) == "23:59")
        let day = Day(unixSeconds: Self.nearMidnight, in: Self.shanghai)
        #expect(Language.zh.date(day) == "2026年12月8日" && Language.en.date(day) == "8 Dec 2026")
        #expect(Language.zh.shortDate(day) == "12/8" && Language.en.shortDate(day) == "8/12")
    }

    @Test("the personal page shows the code's expiry in local time, code.json keeps UTC", arguments: Backend.all)
    func personalPage(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let (_, code) = try await client.json(.get, scene.mePath + "/code.json")
            let expires = try #require(code["expires_at"] as? String)
            #expect(expires.hasSuffix("Z"), "the JSON API writes UTC instants (RFC 3339)")
            let unix = Int64(try #require(ISO8601DateFormatter().date(from: expires)).timeIntervalSince1970)
            // Worked out here from the offset (+8 h), not by the function under test.
            let local = Date(timeIntervalSince1970: TimeInterval(unix + 8 * 3600))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: local)
            let expected = "\(c.year!)年\(c.month!)月\(c.day!)日 " + String(format: "%02d:%02d", c.hour!, c.minute!)
            let (_, page) = try await client.get(scene.mePath)
            #expect(page.contains("<span id=\"code-exp\">\(expected)</span>"), "\(expected)")
            #expect(!page.contains(expires))
            #expect(page.contains("timeZone: 'Asia/Shanghai'"), "the page's script writes times in the deployment's zone")
        }
    }
}
