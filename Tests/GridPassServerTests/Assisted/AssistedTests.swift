import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import QRImaging
import Testing

/// 张阿姨 of 3号楼 2单元, who has no smartphone, and her grid worker (staff of grid 1).
struct AuntZhang {
    let door: (path: String, token: String)
    let worker: String      // API token of grid1's staff
    let otherGrid: String   // staff of grid 2
    let guardGate: String
    let personID: String

    static var fields: [String: Any] { [
        "name": "张秀英", "id_number": Fixture.idNumber(42), "phone": "13900001111", "room": "502",
        "temperature": 36.4, "symptoms": [String](), "visited": [String](), "contact": "none", "consent": true,
    ] }

    static func make(_ client: any TestClientProtocol, _ services: AppServices) async throws -> AuntZhang {
        let accounts = AccountService(services: services)
        let worker = try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G1", password: nil).token
        let door = try await Fixture.poster("DJ-B03-U2", services)
        var body = fields
        body["token"] = door.token
        let (status, answer) = try await client.postJSON("/api/v1/registrations", body, token: worker)
        #expect(status == .created, "\(answer)")
        return AuntZhang(door: door, worker: worker,
                         otherGrid: try await accounts.addUser(name: "grid2-staff", role: .staff, scope: "DJ-G2", password: nil).token,
                         guardGate: try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token,
                         personID: try #require(answer["person_id"] as? String))
    }

    func card(_ client: any TestClientProtocol) async throws -> (card: String, path: String) {
        let (status, answer) = try await client.postJSON("/api/v1/people/\(personID)/card", [String: Any](), token: worker)
        #expect(status == .created, "\(answer)")
        let card = try #require(answer["card"] as? String)
        let url = try #require(answer["card_url"] as? String)
        return (card, String(url.dropFirst("http://127.0.0.1:8080".count)))
    }
}

@Suite("Residents without a smartphone: assisted registration, health cards, reports entered by staff")
struct AssistedTests {
    @Test("a grid worker registers 张阿姨 with a staff token: consent recorded as given in person to them; others 401/403, bad fields 422 with nothing stored", arguments: Backend.all)
    func assistedRegistration(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let aunt = try await AuntZhang.make(client, services)
            let entry = try #require(try await services.staff.audit(before: nil, limit: 20).first { $0.action == .assist })
            #expect(entry.userName == "lvhua" && entry.target == "person:" + aunt.personID)
            #expect(AuditText(s: StaffText(.en), services: services).detail(entry) == "consent given in person to staff lvhua (平山区东明街道东进社区 3号楼 2单元)")
            #expect(AuditText(s: StaffText(.zh), services: services).detail(entry) == "本人当面向工作人员 lvhua 表示同意（平山区东明街道东进社区 3号楼 2单元）")

            var other = AuntZhang.fields
            other["token"] = aunt.door.token
            other["id_number"] = Fixture.idNumber(43)
            #expect(try await client.postJSON("/api/v1/registrations", other, token: aunt.otherGrid).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/registrations", other, token: aunt.guardGate).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/registrations", other, token: "gpt_" + String(repeating: "A", count: 32)).0 == .unauthorized)
            other["temperature"] = 52
            let (bad, errors) = try await client.postJSON("/api/v1/registrations", other, token: aunt.worker)
            #expect(bad == .unprocessableContent && errors.errorFields == ["temperature"])
            #expect(try await services.people.count() == 1, "nothing stored but 张阿姨")
        }
    }

    @Test("her card passes as her current colour; a flag turns the same card red; a re-print revokes the old card; the card carries no personal data", arguments: Backend.all)
    func card(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let aunt = try await AuntZhang.make(client, services)
            let first = try await aunt.card(client)
            #expect(first.card.wholeMatch(of: /GPC1:[A-Z2-7]{26}/) != nil)
            for secret in ["张", "秀英", Fixture.idNumber(42), "13900001111", "502"] { #expect(!first.card.contains(secret)) }
            #expect(first.path == "/cards/" + first.card.dropFirst(5))

            let pass = try await client.verify(first.card, at: "CP-DJ-E", token: aunt.guardGate).1
            #expect(pass["result"] as? String == "pass" && pass["color"] as? String == "green" && pass["name"] as? String == "张*英")
            // Through the camera as well: a PNG of the card's QR code sent to /api/v1/scan.
            let png = try PNGEncoder.encode(try QRMatrix(text: first.card, errorCorrection: .quartile), scale: 6, quietZone: 4)
            #expect(try ZBar.decode(png: png) == [first.card])
            #expect(try await client.scan(png, at: "CP-DJ-E", token: aunt.guardGate).1["result"] as? String == "pass")
            let (sheetStatus, sheet) = try await client.page(first.path)
            #expect(sheetStatus == .ok && sheet.contains("张*英") && sheet.contains("3号楼 2单元 502") && sheet.contains("<svg"))
            #expect(!sheet.contains("张秀英") && !sheet.contains(Fixture.idNumber(42)) && !sheet.contains("13900001111"))

            let (flagged, _) = try await client.postJSON("/api/v1/people/\(aunt.personID)/flags", ["flag": "confirmed"], token: aunt.worker)
            #expect(flagged == .created)
            let red = try await client.verify(first.card, at: "CP-DJ-E", token: aunt.guardGate).1
            #expect(red["result"] as? String == "stop" && red["reason"] as? String == "red" && red["color"] as? String == "red")

            let second = try await aunt.card(client)
            #expect(second.card != first.card)
            let old = try await client.verify(first.card, at: "CP-DJ-E", token: aunt.guardGate).1
            #expect(old["result"] as? String == "invalid" && old["reason"] as? String == "revoked" && old["name"] is NSNull)
            #expect(try await client.verify(second.card, at: "CP-DJ-E", token: aunt.guardGate).1["reason"] as? String == "red")
            #expect(try await client.page(first.path).0 == .gone)
            #expect(try await client.verify("GPC1:" + String(repeating: "A", count: 26), at: "CP-DJ-E", token: aunt.guardGate).1["reason"] as? String == "not_found")
            #expect(try await client.page("/cards/" + String(repeating: "B", count: 26)).0 == .notFound)

            #expect(try await client.postJSON("/api/v1/people/\(aunt.personID)/card", [String: Any](), token: aunt.otherGrid).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/people/\(aunt.personID)/card", [String: Any](), token: aunt.guardGate).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/people/ffff/card", [String: Any](), token: aunt.worker).0 == .notFound)
            let audit = try await services.staff.audit(before: nil, limit: 20).map(\.action)
            #expect(audit.filter { $0 == .card }.count == 2)
        }
    }

    @Test("her grid worker enters her daily report: marked as staff-entered, audited, colour recomputed; bad input 422 and nothing stored", arguments: Backend.all)
    func staffReport(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let aunt = try await AuntZhang.make(client, services)
            let ref = try #require(PersonRef(hex: aunt.personID))
            let report: [String: Any] = ["temperature": 37.8, "symptoms": ["cough"], "visited": [String](), "contact": "none"]
            let (status, answer) = try await client.postJSON("/api/v1/people/\(aunt.personID)/reports", report, token: aunt.worker)
            #expect(status == .created && answer["color"] as? String == "yellow" && answer["entered_by"] as? String == "lvhua")
            let declarations = try await services.health.declarations(of: ref)
            #expect(declarations.count == 2 && declarations[0].enteredBy == nil && declarations[1].enteredBy != nil && declarations[1].source == "report")
            #expect(try await services.staff.audit(before: nil, limit: 5).contains { $0.action == .report && $0.target == "person:" + aunt.personID })

            var bad = report
            bad["temperature"] = "hot"
            let (badStatus, errors) = try await client.postJSON("/api/v1/people/\(aunt.personID)/reports", bad, token: aunt.worker)
            #expect(badStatus == .unprocessableContent && errors.errorFields == ["temperature"])
            #expect(try await client.postJSON("/api/v1/people/\(aunt.personID)/reports", report, token: aunt.otherGrid).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/people/\(aunt.personID)/reports", report).0 == .unauthorized)
            #expect(try await services.health.declarations(of: ref).count == 2)
        }
    }

    @Test("the staff pages: register on her behalf, print her card, enter her report", arguments: Backend.all)
    func staffPages(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            try await browser.login("grid1", StaffUsers.password)
            let place = try await browser.get("/staff/places/DJ-B03-U2")
            #expect(place.body.contains("/staff/places/DJ-B03-U2/register"))
            let form = try await browser.get("/staff/places/DJ-B03-U2/register")
            #expect(form.status == .ok && form.body.contains("grid1") && form.csrf != nil)
            let fields = ["name": "张秀英", "id_number": Fixture.idNumber(42), "phone": "13900001111", "room": "502",
                          "temperature": "36.4", "contact": "none", "consent": "true"]
            var wrong = fields
            wrong["phone"] = "12"
            let again = try await browser.submit("/staff/places/DJ-B03-U2/register", wrong, tokenFrom: form)
            #expect(again.status == .unprocessableContent && again.body.contains("502"))
            let done = try await browser.submit("/staff/places/DJ-B03-U2/register", fields, tokenFrom: form)
            #expect(done.status == .seeOther)
            let personPath = try #require(done.location?.split(separator: "?").first.map(String.init))
            let person = try await browser.get(personPath + "?registered=1")
            #expect(person.status == .ok && person.body.contains(personPath + "/card"))

            let printed = try await browser.submit(personPath + "/card", [:], tokenFrom: person)
            #expect(printed.status == .seeOther && printed.location?.hasPrefix("/cards/") == true)
            let sheet = try await browser.get(try #require(printed.location))
            #expect(sheet.status == .ok && sheet.body.contains("张*英"))

            let reported = try await browser.submit(personPath + "/report", ["temperature": "37.6", "contact": "none", "symptoms": "cough"],
                                                    tokenFrom: person)
            #expect(reported.status == .seeOther)
            let after = try await browser.get(try #require(reported.location))
            #expect(after.body.contains("37.6") && after.body.contains("工作人员代录"))
            let refused = try await browser.submit(personPath + "/report", ["temperature": "99", "contact": "none"], tokenFrom: person)
            #expect(refused.status == .unprocessableContent)

            // Out of scope: grid 2's staff.
            let other = StaffBrowser(client)
            try await other.login("grid2", StaffUsers.password)
            #expect(try await other.get("/staff/places/DJ-B03-U2/register").status == .forbidden)
        }
    }
}
