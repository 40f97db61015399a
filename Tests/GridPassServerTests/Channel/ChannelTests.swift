import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import QRImaging
import Testing

/// Residents of grid 1 (DJ-B01-U1 and DJ-B03-U2) and grid 2 (DJ-B07-U1), their grid workers.
struct ChannelScene {
    let g1: String, g2: String, community: String, admin: String, guardGate: String, guardHF: String
    let b01: String, b03: String, b07: String   // personal page paths

    static func make(_ client: any TestClientProtocol, _ services: AppServices) async throws -> ChannelScene {
        let accounts = AccountService(services: services)
        func resident(_ door: String, _ n: Int, _ name: String, room: String = "301") async throws -> String {
            let poster = try await Fixture.poster(door, services)
            var body = Fixture.resident(token: poster.token, id: Fixture.idNumber(n), room: room)
            body["name"] = name
            let (status, answer) = try await client.postJSON("/api/v1/registrations", body)
            #expect(status == .created, "\(answer)")
            return String((answer["me_url"] as! String).dropFirst("http://127.0.0.1:8080".count))
        }
        return ChannelScene(
            g1: try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G1", password: nil).token,
            g2: try await accounts.addUser(name: "g2", role: .staff, scope: "DJ-G2", password: nil).token,
            community: try await accounts.addUser(name: "dj", role: .staff, scope: "DJ", password: nil).token,
            admin: try await accounts.addUser(name: "admin", role: .admin, scope: nil, password: nil).token,
            guardGate: try await accounts.addUser(name: "guard-e", role: .guard_, scope: "CP-DJ-E", password: nil).token,
            guardHF: try await accounts.addUser(name: "guard-hf", role: .guard_, scope: "CP-HF-M", password: nil).token,
            b01: try await resident("DJ-B01-U1", 11, "王小明", room: "101"), b03: try await resident("DJ-B03-U2", 12, "张三华"),
            b07: try await resident("DJ-B07-U1", 13, "李四光", room: "201"))
    }
}

extension TestClientProtocol {
    /// POST multipart/form-data: text fields and an optional photo part.
    func postMultipart(_ uri: String, fields: [String: String], photo: [UInt8]?, photoType: String = "image/jpeg") async throws -> (HTTPResponse.Status, [String: Any]) {
        let boundary = "gridpass-test-boundary-7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let photo {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\nContent-Type: \(photoType)\r\n\r\n".utf8)
            body += photo + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await execute(uri: uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                 body: ByteBuffer(bytes: body)) { response in
            (response.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]) ?? [:])
        }
    }
}

@Suite("The grid's channel: notices, problem reports, visitors, the weekly summary")
struct ChannelTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../QRImagingTests/Fixtures").standardizedFileURL

    @Test("a notice to DJ-G1 reaches grid 1 only, unread until opened; read counts move; urgent: who has not read it; bad input 422", arguments: Backend.all)
    func notices(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let s = try await ChannelScene.make(client, services)
            let (posted, notice) = try await client.postJSON("/api/v1/notices", ["place": "DJ-G1", "title": "停水通知 <b>", "text": "明天 9:00–12:00 停水。",
                                                                                 "urgent": true], token: s.g1)
            #expect(posted == .created && notice["place"] as? String == "DJ-G1" && notice["urgent"] as? Bool == true)
            let id = try #require(notice["id"] as? Int)
            let mine = try await client.json(.get, s.b01 + "/notices").1["notices"] as? [[String: Any]] ?? []
            #expect(mine.count == 1 && mine[0]["read"] as? Bool == false && mine[0]["title"] as? String == "停水通知 <b>")
            #expect((try await client.json(.get, s.b07 + "/notices").1["notices"] as? [[String: Any]])?.isEmpty == true, "grid 2 does not see it")
            var stats = try await client.json(.get, "/api/v1/notices/\(id)", token: s.g1).1
            #expect(stats["reached"] as? Int == 2 && stats["read"] as? Int == 0)

            let page = try await client.page(s.b01)
            #expect(page.1.contains("停水通知 &lt;b&gt;") && !page.1.contains("停水通知 <b>"), "escaped")
            let opened = try await client.page(s.b01 + "/notices/\(id)")
            #expect(opened.0 == .ok && opened.1.contains("明天 9:00–12:00 停水。"))
            stats = try await client.json(.get, "/api/v1/notices/\(id)", token: s.g1).1
            #expect(stats["read"] as? Int == 1)
            #expect(try await client.postJSON(s.b03 + "/notices/\(id)/read", [String: Any]()).0 == .noContent)
            #expect(try await client.postJSON(s.b07 + "/notices/\(id)/read", [String: Any]()).0 == .notFound, "not theirs")
            let unread = try await client.json(.get, "/api/v1/notices/\(id)/unread", token: s.g1).1["unread"] as? [[String: Any]]
            #expect(unread?.isEmpty == true)
            #expect(try await client.json(.get, "/api/v1/notices/\(id)", token: s.g2).0 == .forbidden)

            #expect(try await client.postJSON("/api/v1/notices", ["place": "DJ", "title": "t", "text": "x"], token: s.g1).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/notices", ["place": "DJ-G1", "title": "t", "text": "x"]).0 == .unauthorized)
            let (bad, errors) = try await client.postJSON("/api/v1/notices", ["place": "DJ-G1", "title": "", "text": String(repeating: "长", count: 2001),
                                                                              "expires_at": "2020-01-01T00:00:00Z"], token: s.g1)
            #expect(bad == .unprocessableContent && errors.errorFields == ["title", "text", "expires_at"])
            // An expired notice is not shown.
            let dj = try #require(try await services.places.place(code: "DJ"))
            _ = try await services.channel.addNotice(placeID: dj.id, title: "old", text: "x",
                                                     urgent: false, expiresAt: Int64(Date().timeIntervalSince1970) - 1, by: nil, name: "x",
                                                     now: Int64(Date().timeIntervalSince1970) - 100)
            #expect((try await client.json(.get, s.b01 + "/notices").1["notices"] as? [[String: Any]])?.count == 1)
            #expect(try await services.staff.audit(before: nil, limit: 10).contains { $0.action == .noticeUnread })
        }
    }

    @Test("a noise report with a photo: dispatched to grid 1 (grid 2: 403), answered, closed; the photo re-encoded without its EXIF", arguments: Backend.all)
    func problems(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let s = try await ChannelScene.make(client, services)
            var jpeg = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent("poster-gray.jpg")))
            let exif = Array("Exif\0\0GPS 39.9N 116.4E SECRET-CAMERA".utf8)
            jpeg.insert(contentsOf: [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif, at: 2)
            let (filed, answer) = try await client.postMultipart(s.b03 + "/problems", fields: ["category": "noise", "text": "广场舞音乐太吵，每晚到十点。"], photo: jpeg)
            #expect(filed == .created && answer["status"] as? String == "open", "\(answer)")
            let id = try #require(answer["id"] as? Int)
            let stored = try #require(try await services.channel.problemPhoto(Int64(id)))
            #expect(QRDecoder.kind(of: stored) == .png && !String(decoding: stored, as: UTF8.self).contains("SECRET"))
            #expect(try QRDecoder.decode(stored) == ["HTTP://127.0.0.1:8080/R/AEDAAAAAAYAACAABDD5NB6VEK7VK7KS2"], "the pixels are kept")

            let queue = try await client.json(.get, "/api/v1/problems?place=DJ-G1", token: s.g1).1["problems"] as? [[String: Any]] ?? []
            #expect(queue.count == 1 && queue[0]["category"] as? String == "noise" && queue[0]["overdue"] as? Bool == false)
            #expect(try await client.json(.get, "/api/v1/problems?place=DJ-G1", token: s.g2).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/problems/\(id)/answer", ["text": "已联系广场舞队，九点前结束。"], token: s.g2).0 == .forbidden)
            #expect(try await client.json(.get, "/api/v1/problems/\(id)/photo", token: s.g1).0 == .ok)
            let (answered, a) = try await client.postJSON("/api/v1/problems/\(id)/answer", ["text": "已联系广场舞队，九点前结束。"], token: s.g1)
            #expect(answered == .ok && a["status"] as? String == "answered")
            var own = try await client.json(.get, s.b03 + "/problems").1["problems"] as? [[String: Any]] ?? []
            #expect(own.first?["answer"] as? String == "已联系广场舞队，九点前结束。" && own.first?["status"] as? String == "answered")
            #expect(try await client.postJSON("/api/v1/problems/\(id)/close", [String: Any](), token: s.g1).0 == .ok)
            own = try await client.json(.get, s.b03 + "/problems").1["problems"] as? [[String: Any]] ?? []
            #expect(own.first?["status"] as? String == "closed")
            #expect(try await client.postJSON("/api/v1/problems/\(id)/answer", ["text": "again"], token: s.g1).0 == .conflict)
            // The community's staff see it too; another grid's queue does not.
            #expect((try await client.json(.get, "/api/v1/problems?place=DJ", token: s.community).1["problems"] as? [[String: Any]])?.count == 1)
            #expect((try await client.json(.get, "/api/v1/problems?place=DJ-G2", token: s.g2).1["problems"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test("bad reports: not an image, over 5 MiB, empty text, unknown category: 4xx naming the field, nothing stored; from a poster with a phone; 72 h overdue", arguments: Backend.all)
    func badProblems(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let s = try await ChannelScene.make(client, services)
            let notImage = try await client.postMultipart(s.b03 + "/problems", fields: ["category": "noise", "text": "吵"], photo: Array("GIF89a not really".utf8))
            #expect(notImage.0 == .unprocessableContent && notImage.1.errorFields == ["photo"])
            let huge = try await client.postMultipart(s.b03 + "/problems", fields: ["category": "noise", "text": "吵"],
                                                      photo: [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 7, count: 5 * 1024 * 1024 + 10))
            #expect(huge.0 == .contentTooLarge)
            let empty = try await client.postJSON(s.b03 + "/problems", ["category": "noise", "text": "   "])
            #expect(empty.0 == .unprocessableContent && empty.1.errorFields == ["text"])
            let category = try await client.postJSON(s.b03 + "/problems", ["category": "ufo", "text": "x"])
            #expect(category.0 == .unprocessableContent && category.1.errorFields == ["category"])
            let grid1 = try #require(try await services.places.place(code: "DJ-G1"))
            #expect(try await services.channel.problems(placeIDs: try await services.staff.places(under: grid1).map(\.id), status: nil, from: nil, to: nil).isEmpty)

            let poster = try await Fixture.poster("DJ-B01-U1", services)
            let (noPhone, errors) = try await client.postJSON("/r/\(poster.token)/problems", ["category": "plumbing", "text": "楼上漏水"])
            #expect(noPhone == .unprocessableContent && errors.errorFields == ["phone"])
            let (anonymous, filed) = try await client.postJSON("/r/\(poster.token)/problems", ["category": "plumbing", "text": "楼上漏水", "phone": "13900002222"])
            #expect(anonymous == .created)
            let filedID = try #require(filed["id"] as? Int)
            let stored = try #require(try await services.channel.problem(id: Int64(filedID)))
            #expect(stored.person == nil && stored.gridID == grid1.id)
            let box = try #require(try await services.channel.problemPhone(stored.id))
            #expect(!String(decoding: box, as: UTF8.self).contains("13900002222"), "the phone is sealed")

            let door = try #require(try await services.places.place(code: "DJ-B01-U1"))
            _ = try await services.channel.addProblem(placeID: door.id, gridID: grid1.id, person: nil, phoneBox: nil, category: .safety, text: "old",
                                                      photo: nil, now: Int64(Date().timeIntervalSince1970) - 73 * 3600)
            let queue = try await client.json(.get, "/api/v1/problems?place=DJ&status=open", token: s.community).1["problems"] as? [[String: Any]] ?? []
            #expect(queue.count == 2 && queue.filter { $0["overdue"] as? Bool == true }.count == 1)
        }
    }

    @Test("visitors: two days ahead by the rules (tomorrow refused on arrival); the gate's guard finds today's by phone; other gates and grids do not", arguments: Backend.all)
    func visitors(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let s = try await ChannelScene.make(client, services)
            let today = Day(unixSeconds: Int64(Date().timeIntervalSince1970))
            let (tooSoon, errors) = try await client.postJSON(s.b03 + "/visitors", ["name": "张小红", "phone": "13700001111", "arrival": today.advanced(by: 1).iso, "days": 2])
            #expect(tooSoon == .unprocessableContent && errors.errorFields == ["arrival"])
            #expect((errors["errors"] as? [[String: Any]])?.first?["message_zh"] as? String == "访客须提前 2 天报备：最早可登记 \(today.advanced(by: 2).iso) 到访。")
            let (ok, visitor) = try await client.postJSON(s.b03 + "/visitors", ["name": "张小红", "phone": "13700001111", "arrival": today.advanced(by: 2).iso, "days": 2])
            #expect(ok == .created && visitor["until"] as? String == today.advanced(by: 3).iso)
            let bad = try await client.postJSON(s.b03 + "/visitors", ["name": "", "phone": "12", "arrival": "tomorrow", "days": 99])
            #expect(bad.1.errorFields == ["name", "phone", "arrival", "days"])

            // On the day of arrival (the look-up takes today's day): a visitor arriving today, stored as announced two days ago.
            let door = try #require(try await services.places.place(code: "DJ-B03-U2"))
            let community = try #require(try await services.places.path(of: door).nearest(.community))
            let host = try #require(try await services.people.person(meToken: String(s.b03.dropFirst(4))))
            let phoneIndex = try Self.phoneIndex("13700003333", services)
            _ = try await services.channel.addVisitor(host: host.ref, communityID: community.id, name: "王大伯", phoneIndex: phoneIndex, phoneBox: [1],
                                                      arrival: today, days: 1, now: Int64(Date().timeIntervalSince1970))
            let (found, list) = try await client.json(.get, "/api/v1/visitors?checkpoint=CP-DJ-E&phone=13700003333", token: s.guardGate)
            let rows = list["visitors"] as? [[String: Any]] ?? []
            #expect(found == .ok && rows.count == 1 && rows[0]["name"] as? String == "王*伯" && rows[0]["host"] as? String == "张*华")
            #expect(rows.first?["door"] as? String == "平山区东明街道东进社区 3号楼 2单元 301")
            #expect((try await client.json(.get, "/api/v1/visitors?checkpoint=CP-DJ-E&phone=13700001111", token: s.guardGate).1["visitors"] as? [[String: Any]])?.isEmpty == true,
                    "not arrived yet")
            #expect(try await client.json(.get, "/api/v1/visitors?checkpoint=CP-DJ-E&phone=13700003333", token: s.guardHF).0 == .forbidden)
            #expect((try await client.json(.get, "/api/v1/visitors?checkpoint=CP-HF-M&phone=13700003333", token: s.guardHF).1["visitors"] as? [[String: Any]])?.isEmpty == true)
            let staffList = try await client.json(.get, "/api/v1/visitors?place=DJ", token: s.community).1["visitors"] as? [[String: Any]] ?? []
            #expect(staffList.count == 2)
            #expect(try await services.channel.visitors(communityID: community.id, on: today.advanced(by: 2), phoneIndex: try Self.phoneIndex("13700001111", services)).count == 1,
                    "on its arrival day the announced visitor is found by phone")
        }
    }

    static func phoneIndex(_ phone: String, _ services: AppServices) throws -> [UInt8] {
        try PersonalDataCipher(keyRing: services.keyRing).index(visitorPhone: phone)
    }

    @Test("the weekly summary counts what a week created, as the test counts it itself; JSON, CSV and HTML agree", arguments: Backend.all)
    func weekly(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let s = try await ChannelScene.make(client, services)
            let now = Int64(Date().timeIntervalSince1970)
            let week = ISOWeek(containing: Day(unixSeconds: now))
            let doors = ["DJ-B01-U1", "DJ-B03-U2", "DJ-B07-U1", "HF-B01-U1"]
            var places: [String: Place] = [:]
            for code in doors + ["DJ-G1", "DJ-G2", "DJ"] { places[code] = try await services.places.place(code: code) }
            // A week of activity: 20 reports spread over the week's days so far, one before the week, one in another community.
            var created: [(door: String, category: ProblemCategory, answeredAfter: Int64?)] = []
            let categories = ProblemCategory.allCases
            let elapsed = max(1, now - week.start)
            for i in 0..<20 {
                let door = doors[i % 3]
                let at = week.start + Int64(i) * elapsed / 21
                let path = try await services.places.path(of: try #require(places[door] ?? nil))
                let p = try await services.channel.addProblem(placeID: path.place.id, gridID: path.nearest(.grid)?.id, person: nil, phoneBox: nil,
                                                              category: categories[i % categories.count], text: "r\(i)", photo: nil, now: at)
                var answered: Int64?
                if i % 3 == 0 {
                    answered = Int64(i + 1) * 1800
                    _ = try await services.channel.answerProblem(p.id, text: "a", by: nil, name: "x", now: at + answered!)
                }
                if i % 5 == 0 { _ = try await services.channel.closeProblem(p.id, by: nil, now: at + 10) }
                created.append((door, categories[i % categories.count], answered))
            }
            let other = try #require(places["HF-B01-U1"] ?? nil)
            _ = try await services.channel.addProblem(placeID: other.id, gridID: nil, person: nil, phoneBox: nil, category: .noise, text: "elsewhere", photo: nil, now: now - 10)
            let b01 = try #require(places["DJ-B01-U1"] ?? nil)
            _ = try await services.channel.addProblem(placeID: b01.id, gridID: nil, person: nil, phoneBox: nil, category: .noise, text: "last week", photo: nil, now: week.start - 10)
            let (_, n) = try await client.postJSON("/api/v1/notices", ["place": "DJ-G1", "title": "通知", "text": "x"], token: s.g1)
            _ = try await client.postJSON(s.b01 + "/notices/\(n["id"] as! Int)/read", [String: Any]())

            let json = try JSONSerialization.jsonObject(with: Data(try await WeeklySummaryExport.render(services, place: "DJ", week: nil, format: .json).utf8)) as! [String: Any]
            let problems = json["problems"] as! [String: Any]
            #expect(json["week"] as? String == week.description && json["place"] as? String == "DJ")
            #expect(problems["total"] as? Int == 20)
            let byCategory = problems["by_category"] as! [String: Int]
            for c in categories { #expect(byCategory[c.rawValue] == created.filter { $0.category == c }.count, "\(c)") }
            let closed = (0..<20).filter { $0 % 5 == 0 }.count
            let answeredOpen = (0..<20).filter { $0 % 3 == 0 && $0 % 5 != 0 }.count
            #expect(problems["by_status"] as? [String: Int] == ["closed": closed, "answered": answeredOpen, "open": 20 - closed - answeredOpen])
            let hours = created.compactMap(\.answeredAfter).map { Double($0) / 3600 }.sorted()
            let median = hours.count % 2 == 1 ? hours[hours.count / 2] : (hours[hours.count / 2 - 1] + hours[hours.count / 2]) / 2
            #expect(problems["median_answer_hours"] as? Double == (median * 10).rounded() / 10)
            #expect(json["notices"] as? [String: Int] == ["total": 1, "reached": 2, "read": 1])
            let coverage = json["coverage"] as! [String: Int]
            #expect(coverage["registered"] == 3)
            let grids = json["grids"] as! [[String: Any]]
            #expect(grids.first { $0["code"] as? String == "DJ-G1" }?["problems"] as? Int == created.filter { $0.door != "DJ-B07-U1" }.count)
            #expect(grids.first { $0["code"] as? String == "DJ-G2" }?["problems"] as? Int == created.filter { $0.door == "DJ-B07-U1" }.count)
            #expect(grids.first { $0["code"] as? String == "DJ-G1" }?["registered"] as? Int == 2)

            let csv = try await WeeklySummaryExport.render(services, place: "DJ", week: week.description, format: .csv)
            #expect(csv.contains("problems,total,20\r\n") && csv.contains("grid:DJ-G2,registered,1\r\n"))
            let html = try await WeeklySummaryExport.render(services, place: "DJ", week: nil, format: .html)
            #expect(html.contains("<svg") && html.contains(">20<"))
            // Last week: only the one report of last week.
            let previous = ISOWeek(containing: week.monday.advanced(by: -1))
            let last = try JSONSerialization.jsonObject(with: Data(try await WeeklySummaryExport.render(services, place: "DJ", week: previous.description, format: .json).utf8)) as! [String: Any]
            #expect((last["problems"] as! [String: Any])["total"] as? Int == 1)
            await #expect(throws: WeeklySummaryExport.Failure.self) { try await WeeklySummaryExport.render(services, place: "DJ", week: "2026-W60", format: .json) }
        }
    }
}
