import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Appeals against a colour")
struct AppealTests {
    static func declarations(_ body: [String: Any]) -> [[String: Any]] { body["declarations"] as? [[String: Any]] ?? [] }

    @Test("a fever report, an appeal, upheld by striking the report: the rules recompute green; the person sees the decision; every step audited", arguments: Backend.all)
    func upheld(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let me = scene.mePath
            let (reported, fever) = try await client.postJSON(me + "/reports", ["temperature": 38.2, "symptoms": [String](), "visited": [String](), "contact": "none"])
            #expect(reported == .created && fever["color"] as? String == "yellow")
            let yellowCode = try #require((fever["health_code"] as? [String: Any])?["payload"] as? String)

            let (opened, appeal) = try await client.postJSON(me + "/appeals", ["reason": "体温计读错了，复测 36.6 ℃"])
            #expect(opened == .created && appeal["status"] as? String == "open")
            let id = try #require(appeal["id"] as? Int)
            #expect(try await client.postJSON(me + "/appeals", ["reason": "再次申诉"]).0 == .conflict, "one open appeal at a time")
            let own = try await client.json(.get, me + "/appeals").1["appeals"] as? [[String: Any]]
            #expect(own?.count == 1 && own?[0]["status"] as? String == "open" && own?[0]["decision_reason"] is NSNull)

            // The staff queue of grid 1, and the appeal with its declarations.
            let (listed, list) = try await client.json(.get, "/api/v1/appeals?place=DJ-G1", token: scene.staff)
            let rows = list["appeals"] as? [[String: Any]] ?? []
            #expect(listed == .ok && rows.count == 1 && rows[0]["name"] as? String == "张*华" && rows[0]["person_id"] as? String == scene.personID)
            let (shown, detail) = try await client.json(.get, "/api/v1/appeals/\(id)", token: scene.staff)
            #expect(shown == .ok && Self.declarations(detail).count == 2)
            let report = try #require(Self.declarations(detail).first { $0["temperature"] as? Double == 38.2 })
            let reportID = try #require(report["id"] as? Int)
            #expect(report["struck"] as? Bool == false)

            let (decided, answer) = try await client.postJSON("/api/v1/appeals/\(id)/uphold",
                                                             ["reason": "已电话核实，体温正常，撤销该条申报。", "strike": [reportID]], token: scene.staff)
            #expect(decided == .ok && answer["status"] as? String == "upheld" && answer["color"] as? String == "green", "\(answer)")
            // The colour changed through the rules: the yellow code is superseded, the page's code is green.
            #expect(try await client.verify(yellowCode, at: "CP-DJ-E", token: scene.guardGate).1["reason"] as? String == "superseded")
            let code = try await client.json(.get, me + "/code.json").1
            #expect(code["color"] as? String == "green")
            #expect(try await client.postJSON("/api/v1/appeals/\(id)/dismiss", ["reason": "再处理一次"], token: scene.staff).0 == .conflict)

            let after = try await client.json(.get, me + "/appeals").1["appeals"] as? [[String: Any]]
            #expect(after?[0]["status"] as? String == "upheld" && after?[0]["decision_reason"] as? String == "已电话核实，体温正常，撤销该条申报。")
            let page = try await client.page(me).1
            #expect(page.contains("已电话核实，体温正常，撤销该条申报。") && page.contains("申诉成立"))
            let struck = Self.declarations(try await client.json(.get, "/api/v1/appeals/\(id)", token: scene.staff).1)
            #expect(struck.count == 2 && struck.first { $0["id"] as? Int == reportID }?["struck"] as? Bool == true, "kept, marked struck")

            let audit = try await services.staff.audit(before: nil, limit: 20).filter { $0.target == "person:" + scene.personID }.map(\.action)
            #expect(audit.contains(.appeal) && audit.contains(.appealUpheld))
            // A new appeal may be opened once the first is decided.
            #expect(try await client.postJSON(me + "/appeals", ["reason": "另一个问题"]).0 == .created)
        }
    }

    @Test("a region only passed through: upheld with unvisit, red turns green by the rules; a dismissal keeps the colour and tells why", arguments: Backend.all)
    func unvisitAndDismiss(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            #expect(try await client.postJSON("/api/v1/risk-regions", ["region": "420106", "level": "high"], token: scene.admin).0 == .ok)
            let (_, red) = try await client.postJSON(scene.mePath + "/reports", ["temperature": 36.5, "symptoms": [String](), "visited": ["420106"], "contact": "none"])
            #expect(red["color"] as? String == "red")
            let id = try #require(try await client.postJSON(scene.mePath + "/appeals", ["reason": "只是高铁经停武汉，没有下车"]).1["id"] as? Int)
            let (unknownRegion, errors) = try await client.postJSON("/api/v1/appeals/\(id)/uphold", ["reason": "核实", "unvisit": ["999999"]], token: scene.staff)
            #expect(unknownRegion == .unprocessableContent && errors.errorFields == ["unvisit"])
            let (decided, answer) = try await client.postJSON("/api/v1/appeals/\(id)/uphold", ["reason": "车票核实为经停", "unvisit": ["420106"]], token: scene.staff)
            #expect(decided == .ok && answer["color"] as? String == "green")

            let (_, fever) = try await client.postJSON(scene.mePath + "/reports", ["temperature": 38.0, "symptoms": [String](), "visited": [String](), "contact": "none"])
            #expect(fever["color"] as? String == "yellow")
            let second = try #require(try await client.postJSON(scene.mePath + "/appeals", ["reason": "我没有发烧"]).1["id"] as? Int)
            let (dismissed, kept) = try await client.postJSON("/api/v1/appeals/\(second)/dismiss", ["reason": "社区医生复测 38.1 ℃"], token: scene.staff)
            #expect(dismissed == .ok && kept["status"] as? String == "dismissed" && kept["color"] as? String == "yellow")
            let own = try await client.json(.get, scene.mePath + "/appeals").1["appeals"] as? [[String: Any]]
            #expect(own?.first?["status"] as? String == "dismissed" && own?.first?["decision_reason"] as? String == "社区医生复测 38.1 ℃")
        }
    }

    @Test("bad input: empty, oversized or extra fields 422 naming the field; another person's declaration 422 strike; nothing stored", arguments: Backend.all)
    func badInput(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let me = scene.mePath
            for (body, field, code) in [(["reason": ""], "reason", "required"), (["reason": String(repeating: "长", count: 501)], "reason", "too_long"),
                                        (["reason": 5], "reason", "invalid_type"), (["reason": "ok", "color": "green"], "color", "unknown_field")] as [([String: Any], String, String)] {
                let (status, errors) = try await client.postJSON(me + "/appeals", body)
                #expect(status == .unprocessableContent && errors.errorFields == [field], "\(body)")
                #expect((errors["errors"] as? [[String: Any]])?.first?["code"] as? String == code)
            }
            #expect(try await client.postJSON(me + "/appeals", [String: Any]()).1.errorFields == ["reason"])
            #expect((try await client.json(.get, me + "/appeals").1["appeals"] as? [[String: Any]])?.isEmpty == true, "nothing stored")
            #expect(try await client.postJSON("/me/nobody-has-this/appeals", ["reason": "x"]).0 == .notFound)

            // A second person of the same grid, and their declaration.
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let (_, other) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(9), room: "302"))
            let otherID = try #require(other["person_id"] as? String)
            let otherRef = try #require(PersonRef(hex: otherID))
            let foreign = try #require(try await services.health.declarations(of: otherRef).first?.id)
            let id = try #require(try await client.postJSON(me + "/appeals", ["reason": "有误"]).1["id"] as? Int)
            let (status, errors) = try await client.postJSON("/api/v1/appeals/\(id)/uphold", ["reason": "r", "strike": [Int(foreign)]], token: scene.staff)
            #expect(status == .unprocessableContent && errors.errorFields == ["strike"])
            #expect(try await client.postJSON("/api/v1/appeals/\(id)/uphold", ["reason": "", "strike": "x"], token: scene.staff).1.errorFields == ["reason", "strike"])
            #expect(try await client.postJSON("/api/v1/appeals/\(id)/dismiss", ["reason": "r", "strike": [1]], token: scene.staff).1.errorFields == ["strike"])
            #expect(try await services.health.appeal(id: Int64(id))?.status == .open, "nothing stored")
            #expect(try await services.health.declarations(of: otherRef).allSatisfy { $0.struckAt == nil })
        }
    }

    @Test("who may see and decide: staff covering the person; others 403, no token 401; a person sees only their own", arguments: Backend.all)
    func access(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            let grid2 = try await accounts.addUser(name: "grid2-staff", role: .staff, scope: "DJ-G2", password: nil).token
            let id = try #require(try await client.postJSON(scene.mePath + "/appeals", ["reason": "颜色不对"]).1["id"] as? Int)

            #expect(try await client.json(.get, "/api/v1/appeals/\(id)", token: grid2).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/appeals/\(id)/uphold", ["reason": "r"], token: grid2).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/appeals/\(id)/dismiss", ["reason": "r"], token: scene.guardGate).0 == .forbidden)
            #expect(try await client.json(.get, "/api/v1/appeals/\(id)").0 == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/appeals?place=DJ-G1", token: grid2).0 == .forbidden)
            #expect(try await client.json(.get, "/api/v1/appeals?place=DJ", token: scene.staff).0 == .forbidden, "a grid's staff: not the community")
            #expect(try await client.json(.get, "/api/v1/appeals", token: scene.staff).0 == .unprocessableContent)
            #expect((try await client.json(.get, "/api/v1/appeals", token: scene.admin).1["appeals"] as? [[String: Any]])?.count == 1)
            #expect(try await client.json(.get, "/api/v1/appeals/999999", token: scene.admin).0 == .notFound)

            // Another person's page shows none of it, and cannot act on it.
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let (_, other) = try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token, id: Fixture.idNumber(9), room: "302"))
            let otherMe = String((other["me_url"] as! String).dropFirst("http://127.0.0.1:8080".count))
            #expect((try await client.json(.get, otherMe + "/appeals").1["appeals"] as? [[String: Any]])?.isEmpty == true)
            #expect(!(try await client.page(otherMe).1.contains("颜色不对")))
            #expect(try await services.health.appeal(id: Int64(id))?.status == .open)
        }
    }

    @Test("the staff pages: the queue, the appeal, uphold by ticking the report", arguments: Backend.all)
    func staffPages(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            try await StaffUsers.add(services)
            _ = try await client.postJSON(scene.mePath + "/reports", ["temperature": 38.4, "symptoms": [String](), "visited": [String](), "contact": "none"])
            let id = try #require(try await client.postJSON(scene.mePath + "/appeals", ["reason": "填错了体温"]).1["id"] as? Int)
            let browser = StaffBrowser(client)
            try await browser.login("grid1", StaffUsers.password)
            let queue = try await browser.get("/staff/appeals")
            #expect(queue.status == .ok && queue.body.contains("/staff/appeals/\(id)") && queue.body.contains("填错了体温"))
            let page = try await browser.get("/staff/appeals/\(id)")
            #expect(page.status == .ok && page.body.contains("38.4"))
            let ref = try #require(PersonRef(hex: scene.personID))
            let report = try #require(try await services.health.declarations(of: ref).last?.id)
            #expect(page.body.contains("name=\"strike\" value=\"\(report)\""))
            let done = try await browser.submit("/staff/appeals/\(id)/decide", ["decision": "uphold", "reason": "核实为笔误", "strike": String(report)], tokenFrom: page)
            #expect(done.status == .seeOther)
            let after = try await browser.get("/staff/appeals/\(id)")
            #expect(after.body.contains("申诉成立") && after.body.contains("核实为笔误"))
            #expect(try await services.health.healthRecord(ref)?.color == .green)
            let other = StaffBrowser(client)
            try await other.login("grid2", StaffUsers.password)
            #expect(try await other.get("/staff/appeals/\(id)").status == .forbidden)
        }
    }
}
