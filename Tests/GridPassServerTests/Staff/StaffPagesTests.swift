import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Staff pages: scope, coverage, review, people, audit")
struct StaffPagesTests {
    /// Registers a resident through the API; returns the answer.
    static func resident(_ client: any TestClientProtocol, _ services: AppServices, door: String, seq: Int, room: String,
                         extra: [String: Any] = [:]) async throws -> [String: Any] {
        let poster = try await Fixture.poster(door, services)
        var body = Fixture.resident(token: poster.token, id: Fixture.idNumber(seq), room: room, extra: extra)
        body["phone"] = "1380013" + String(format: "%04d", seq)
        let (status, answer) = try await client.postJSON("/api/v1/registrations", body)
        #expect(status == .created)
        return answer
    }

    @Test("a grid worker opens their grid's coverage, prints a sheet, and is refused another grid's page (403)", arguments: Backend.all)
    func scope(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            try await browser.login("grid1", StaffUsers.password)
            let coverage = try await browser.get("/staff/coverage/DJ-G1")
            #expect(coverage.status == .ok)
            #expect(coverage.body.contains("第1网格") && coverage.body.contains("650"))
            let sheet = try await browser.get("/staff/places/DJ-G1/posters.html")
            #expect(sheet.status == .ok)
            #expect(sheet.body.contains("共 18 张海报") && sheet.body.components(separatedBy: "<section class=\"page\">").count == 19)
            for forbidden in ["/staff/coverage/DJ-G2", "/staff/places/DJ-G2", "/staff/places/DJ-B07-U1/posters.html",
                              "/staff/places/DJ", "/staff/coverage/DJ-G2.csv?list=rooms", "/staff/review", "/staff/audit"] {
                let page = try await browser.get(forbidden)
                #expect(page.status == .forbidden, "\(forbidden)")
            }
            #expect(try await browser.get("/staff/places/DJ-G2").body.contains("无权访问"))
            let rotate = try await browser.submit("/staff/places/DJ-B07-U1/rotate", [:], tokenFrom: coverage)
            #expect(rotate.status == .forbidden)
            #expect(try await browser.get("/staff/coverage/NOPE").status == .notFound)
            #expect(try await browser.get("/staff/coverage/DJ-B03").status == .notFound, "coverage is per grid")
            let log = try await services.staff.audit(before: nil, limit: 10)
            #expect(log.contains { $0.action == .print && $0.target == "place:DJ-G1" && $0.userName == "grid1" })
        }
    }

    @Test("coverage figures, rooms without registration and people without a report today, on a small scenario; CSV exports", arguments: Backend.all)
    func coverageNumbers(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let codes = HealthCodeService(services: services, codeTTL: 86_400)
            // A and C register today (C with a fever: yellow); B registered yesterday in A's household, no report since.
            _ = try await Self.resident(client, services, door: "DJ-B03-U2", seq: 1, room: "301")
            _ = try await Self.resident(client, services, door: "DJ-B01-U1", seq: 3, room: "101", extra: ["symptoms": ["fever"], "name": "王小明"])
            let unit = try #require(try await services.places.place(code: "DJ-B03-U2"))
            let yesterday = Int64(Date().timeIntervalSince1970) - 86_400
            let b = try await services.people.register(RegistrationData(
                placeID: unit.id, kind: .resident, name: "赵六", idNumber: Fixture.idNumber(2), phone: "13800130002", room: "301",
                department: nil, declaration: HealthDeclaration(temperature: 36.4, symptoms: [], visited: [], contact: Contact.none)),
                now: yesterday, decide: { _, _ in nil }).person
            try await codes.refresh(b.ref, now: yesterday)
            // A resident of another grid does not count here.
            _ = try await Self.resident(client, services, door: "DJ-B07-U1", seq: 4, room: "101")

            let browser = StaffBrowser(client)
            try await browser.login("grid1", StaffUsers.password)
            let page = try await browser.get("/staff/coverage/DJ-G1")
            #expect(page.status == .ok)
            let text = page.body
            #expect(text.contains("2 <small>/ 650"), "2 households of 650")
            #expect(text.contains("2 <small>/ 3"), "2 of 3 people reported today")
            #expect(text.contains("title=\"绿码\">2<small>") && text.contains("title=\"黄码\">1<small>") && text.contains("title=\"红码\">0<small>"))
            #expect(text.contains("今日未申报人员 · 1"))
            #expect(text.contains("赵*") && !text.contains("赵六"), "names are masked")
            #expect(text.contains("/staff/people/\(b.id)"))

            let rooms = try await browser.get("/staff/coverage/DJ-G1.csv?list=rooms")
            #expect(rooms.status == .ok)
            #expect(rooms.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(rooms.headers[.contentDisposition]?.contains("DJ-G1-rooms-") == true)
            let lines = rooms.body.split(separator: "\r\n")
            #expect(lines.first == "\u{FEFF}code,name,room")
            let expectedLines = 1 + 18 * 36 - 2
            #expect(lines.count == expectedLines)
            #expect(lines.contains("DJ-B03-U2,3号楼 2单元,302") && !lines.contains("DJ-B03-U2,3号楼 2单元,301"))
            #expect(!lines.contains("DJ-B01-U1,1号楼 1单元,101"))

            let noreport = try await browser.get("/staff/coverage/DJ-G1.csv?list=noreport").body.split(separator: "\r\n")
            #expect(noreport.count == 2)
            let yesterdayISO = Day(unixSeconds: yesterday).iso
            #expect(noreport[1] == "\(b.id),赵*,resident,3号楼 2单元,301,\(yesterdayISO),green")

            let units = try await browser.get("/staff/coverage/DJ-G1.csv?list=units").body.split(separator: "\r\n")
            #expect(units.count == 19)
            #expect(units.contains("DJ-B03-U2,3号楼 2单元,36,1,35,2"))
            #expect(try await browser.get("/staff/coverage/DJ-G1.csv?list=nope").status == .unprocessableContent)
            #expect(try await services.staff.audit(before: nil, limit: 10).contains { $0.action == .export && $0.detail == "rooms" })
        }
    }

    @Test("HR approves a worker from the queue; other HR and grid workers may not", arguments: Backend.all)
    func review(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let door = try await Fixture.poster("E-PSJM", services)
            let (_, worker) = try await client.postJSON("/api/v1/registrations", Fixture.worker(token: door.token))
            let id = try #require(worker["person_id"] as? String)

            let other = StaffBrowser(client)
            try await other.login("hr-dmsp", StaffUsers.password)
            let otherQueue = try await other.get("/staff/review")
            #expect(otherQueue.status == .ok && otherQueue.body.contains("没有待审核的员工"))
            #expect(try await other.submit("/staff/review/\(id)", ["action": "approve"], tokenFrom: otherQueue).status == .forbidden)

            let grid = StaffBrowser(client)
            try await grid.login("grid2", StaffUsers.password)
            #expect(try await grid.get("/staff/review").status == .forbidden)

            let hr = StaffBrowser(client)
            let landing = try await hr.login("hr-psjm", StaffUsers.password)
            #expect(landing.location == "/staff/review")
            let queue = try await hr.get("/staff/review")
            #expect(queue.body.contains("李四") && queue.body.contains("装配车间") && queue.body.contains("/staff/review/\(id)"))
            let done = try await hr.submit("/staff/review/\(id)", ["action": "approve", "reason": "入职材料齐全"], tokenFrom: queue)
            #expect(done.status == .seeOther)
            let after = try await hr.get(try #require(done.location))
            #expect(after.body.contains("已通过 李*") && after.body.contains("没有待审核的员工"))
            #expect(try await services.people.person(id: id)?.status == .active)
            let ref = try #require(PersonRef(hex: id))
            #expect(try await services.health.healthRecord(ref)?.code?.color == .green)
            let log = try await services.staff.audit(before: nil, limit: 10)
            #expect(log.contains { $0.action == .approve && $0.userName == "hr-psjm" && $0.target.contains(id) && $0.detail == "入职材料齐全" })
            // HR sees their enterprise's page and the worker, not the grid around it.
            #expect(try await hr.get("/staff/places/E-PSJM").body.contains("李*"))
            #expect(try await hr.get("/staff/places/DJ-G2").status == .forbidden)
            #expect(try await hr.get("/staff/coverage/DJ-G2").status == .forbidden)
        }
    }

    @Test("a person's page is masked; revealing the identity number writes an audit row the admin page shows", arguments: Backend.all)
    func revealAndAudit(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let answer = try await Self.resident(client, services, door: "DJ-B03-U2", seq: 1, room: "301")
            let id = try #require(answer["person_id"] as? String)
            let number = Fixture.idNumber(1)

            let staff = StaffBrowser(client)
            try await staff.login("grid1", StaffUsers.password)
            let page = try await staff.get("/staff/people/\(id)")
            #expect(page.status == .ok)
            #expect(page.body.contains("张*华") && !page.body.contains("张三华") && !page.body.contains(number) && !page.body.contains("13800130001"))
            let shown = try await staff.submit("/staff/people/\(id)/reveal", ["field": "id_number"], tokenFrom: page)
            #expect(shown.status == .ok && shown.body.contains(number))
            #expect(!shown.body.contains("13800130001"), "only the field asked for")
            #expect(try await staff.post("/staff/people/\(id)/reveal", ["field": "phone"]).status == .forbidden, "no CSRF token")

            // Another grid's worker cannot open or reveal this person.
            let outsider = StaffBrowser(client)
            let home = try await outsider.login("grid2", StaffUsers.password)
            _ = home
            #expect(try await outsider.get("/staff/people/\(id)").status == .forbidden)
            let outsiderHome = try await outsider.get("/staff")
            #expect(try await outsider.submit("/staff/people/\(id)/reveal", ["field": "id_number"], tokenFrom: outsiderHome).status == .forbidden)
            #expect(try await staff.get("/staff/audit").status == .forbidden)

            let admin = StaffBrowser(client)
            try await admin.login("root", StaffUsers.password)
            let audit = try await admin.get("/staff/audit")
            #expect(audit.status == .ok)
            let row = try #require(audit.body.components(separatedBy: "<tr").first { $0.contains("a-reveal") })
            #expect(row.contains("grid1") && row.contains("查看敏感信息") && row.contains("张*华 · \(id)") && row.contains("身份证号"))
            #expect(!row.contains("id_number"), "the field by its name in the page's language")
            #expect(!audit.body.contains(number), "the log names the field, never the value")
            #expect(audit.body.contains("a-login"))
            let entries = try await services.staff.audit(before: nil, limit: 20).filter { $0.action == .reveal }
            #expect(entries.count == 1 && entries[0].userName == "grid1")
        }
    }

    @Test("flags from the person page recolour the code; the risk page lists them; only admins change the risk list", arguments: Backend.all)
    func flagsAndRisk(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let answer = try await Self.resident(client, services, door: "DJ-B03-U2", seq: 1, room: "301")
            let id = try #require(answer["person_id"] as? String)
            let staff = StaffBrowser(client)
            try await staff.login("grid1", StaffUsers.password)
            let page = try await staff.get("/staff/people/\(id)")
            #expect(page.body.contains("<option value=\"\">请选择标记</option>"), "no flag is preselected")
            #expect(try await staff.submit("/staff/people/\(id)/flags", ["flag": ""], tokenFrom: page).status == .unprocessableContent)
            let flagged = try await staff.submit("/staff/people/\(id)/flags", ["flag": "suspected"], tokenFrom: page)
            #expect(flagged.status == .seeOther)
            #expect(try await staff.get(try #require(flagged.location)).body.contains("已标记为“疑似”"))
            #expect(try await services.health.healthRecord(try #require(PersonRef(hex: id)))?.color == .red)
            let risk = try await staff.get("/staff/risk")
            #expect(risk.status == .ok && risk.body.contains("张*华") && risk.body.contains("疑似"))
            #expect(try await staff.submit("/staff/risk", ["region": "110105", "level": "high"], tokenFrom: risk).status == .forbidden)

            let hr = StaffBrowser(client)
            try await hr.login("hr-psjm", StaffUsers.password)
            #expect(try await hr.get("/staff/risk").status == .forbidden)

            let admin = StaffBrowser(client)
            try await admin.login("root", StaffUsers.password)
            let adminRisk = try await admin.get("/staff/risk")
            #expect(try await admin.submit("/staff/risk", ["region": "99", "level": "high"], tokenFrom: adminRisk).status == .unprocessableContent)
            let set = try await admin.submit("/staff/risk", ["region": "110105", "level": "medium"], tokenFrom: adminRisk)
            #expect(set.status == .seeOther)
            let after = try await admin.get(try #require(set.location))
            #expect(after.body.contains("110105") && after.body.contains("中风险") && after.body.contains("涉及 1 人"))
            #expect(try await services.health.riskList()["110105"] == .medium)
            let log = try await services.staff.audit(before: nil, limit: 20)
            #expect(log.contains { $0.action == .flag && $0.detail == "suspected" })
            #expect(log.contains { $0.action == .risk && $0.target == "region:110105" })
        }
    }

    @Test("the places tree, a unit's page with its residents, rotating its poster; guards are sent to the checkpoint page", arguments: Backend.all)
    func placesAndGuards(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            _ = try await Self.resident(client, services, door: "DJ-B03-U2", seq: 1, room: "301")
            let oldPoster = try await Fixture.poster("DJ-B03-U2", services)
            let admin = StaffBrowser(client)
            try await admin.login("root", StaffUsers.password)
            let tree = try await admin.get("/staff")
            #expect(tree.body.contains("平山区") && tree.body.contains("东进社区") && tree.body.contains("合峰社区")
                    && tree.body.contains("/staff/coverage/HF-G2") && tree.body.contains("平山精密机械有限公司"))
            let unit = try await admin.get("/staff/places/DJ-B03-U2")
            #expect(unit.body.contains("张*华") && unit.body.contains("/staff/places/DJ-B03-U2/rotate"))
            let rotated = try await admin.submit("/staff/places/DJ-B03-U2/rotate", [:], tokenFrom: unit)
            #expect(rotated.status == .seeOther)
            #expect(try await admin.get(try #require(rotated.location)).body.contains("第 2 版"))
            #expect(try await client.get(oldPoster.path).0 == .gone)
            // A building with units has no poster of its own to rotate.
            let building = try await admin.get("/staff/places/DJ-B03")
            #expect(!building.body.contains("/rotate"))
            #expect(try await admin.submit("/staff/places/DJ-B03/rotate", [:], tokenFrom: building).status == .unprocessableContent)

            let guardian = StaffBrowser(client)
            #expect(try await guardian.login("gate", StaffUsers.password).location == "/checkpoint")
            let refused = try await guardian.get("/staff")
            #expect(refused.status == .forbidden && refused.body.contains("/checkpoint"))

            let english = StaffBrowser(client)
            english.language = "en-US,en;q=0.9"
            try await english.login("root", StaffUsers.password)
            let home = try await english.get("/staff")
            #expect(home.body.contains("My scope") && home.body.contains("Print posters"))
        }
    }
}
