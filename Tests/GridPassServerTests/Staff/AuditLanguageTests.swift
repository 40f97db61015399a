import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import HummingbirdTesting
import Testing

@Suite("The audit page reads in the staff page's language, with names not codes")
struct AuditLanguageTests {
    @Test("a risk change and a guard sign-in link: sentences, region and place names, local times, in zh and en", arguments: Backend.all)
    func languages(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let admin = StaffBrowser(client)
            try await admin.login("root", StaffUsers.password)
            let risk = try await admin.get("/staff/risk")
            #expect(try await admin.submit("/staff/risk", ["region": "420106", "level": "high"], tokenFrom: risk).status == .seeOther)
            let place = try await admin.get("/staff/places/CP-DJ-E")
            #expect(try await admin.submit("/staff/places/CP-DJ-E/guard-signin", [:], tokenFrom: place).status == .ok)
            let link = try #require(try await services.staff.audit(before: nil, limit: 20).first { $0.action == .guardLink })
            #expect(link.detail.hasPrefix("{"), "stored as a sentence key with its values, not as English text")

            let zh = try await admin.get("/staff/audit").body
            let zhRisk = try #require(zh.components(separatedBy: "<tr").first { $0.contains("a-risk") })
            #expect(zhRisk.contains("湖北省武汉市武昌区（420106）") && zhRisk.contains("高风险，影响 0 人"))
            let zhLink = try #require(zh.components(separatedBy: "<tr").first { $0.contains("a-guard_link") })
            #expect(zhLink.contains("东门（CP-DJ-E）") && zhLink.contains("有效至 " + Language.zh.time(Self.until(link))))
            #expect(!zh.contains("\"k\""), "no stored form shows")

            admin.language = "en"
            let en = try await admin.get("/staff/audit").body
            let enRisk = try #require(en.components(separatedBy: "<tr").first { $0.contains("a-risk") })
            #expect(enRisk.contains("high, 0 affected") && enRisk.contains("湖北省武汉市武昌区"))
            let enLink = try #require(en.components(separatedBy: "<tr").first { $0.contains("a-guard_link") })
            #expect(enLink.contains("until " + Language.en.time(Self.until(link))))
            #expect(en.contains("account root"), "the sign-in's target")
        }
    }

    static func until(_ entry: AuditEntry) -> Int64 {
        guard case .object(let members)? = try? JSONParser.parse(entry.detail),
              case .number(let n, _)? = members.first(where: { $0.key == "until" })?.value else { return 0 }
        return Int64(n)
    }
}
