import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Registration forms")
struct RegistrationFormTests {
    static func form(_ id: String, room: String = "301") -> String {
        "name=%E5%BC%A0%E4%B8%89%E5%8D%8E&id_number=\(id)&phone=138+0013+8000&room=\(room)&temperature=36.6"
            + "&symptoms=cough&visited=110105%2C+310101&contact=none&consent=true"
    }

    @Test("GET shows the resident form with the room list; the worker form has a department; English on request", arguments: Backend.all)
    func forms(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let unit = try await Fixture.poster("DJ-B03-U2", services)
            let (status, html) = try await client.get(unit.path)
            #expect(status == .ok)
            #expect(html.contains("居民登记") && html.contains("平山区东明街道东进社区 3号楼 2单元"))
            #expect(html.contains("<option value=\"1802\">") && html.contains("name=\"id_number\""))
            let worker = try await Fixture.poster("E-PSJM", services)
            let (_, workerHTML) = try await client.get(worker.path, headers: [.acceptLanguage: "en"])
            #expect(workerHTML.contains("Worker registration") && workerHTML.contains("name=\"department\""))
            #expect(!workerHTML.contains("name=\"room\""))
            let checkpoint = try await Fixture.poster("CP-DJ-E", services)
            let (_, cpHTML) = try await client.get(checkpoint.path)
            #expect(cpHTML.contains("/checkpoint") && cpHTML.contains("3号楼"))
        }
    }

    @Test("a valid form redirects to the personal page; a wrong check digit shows the form again with values kept", arguments: Backend.all)
    func submit(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let unit = try await Fixture.poster("DJ-B03-U2", services)
            let good = Fixture.idNumber(3)
            var wrong = Array(good)
            wrong[17] = wrong[17] == "1" ? "2" : "1"
            let (badStatus, _, html) = try await client.postForm(unit.path, Self.form(String(wrong)))
            #expect(badStatus == .unprocessableContent)
            #expect(html.contains("value=\"\(String(wrong))\""), "the typed number is kept")
            #expect(html.contains("<option value=\"301\" selected>"))
            #expect(html.contains("class=\"err\"") && html.contains("校验"))
            #expect(try await services.people.count() == 0)
            let (status, headers, _) = try await client.postForm(unit.path, Self.form(good))
            #expect(status == .seeOther)
            let location = try #require(headers[.location])
            #expect(location.hasPrefix("http://127.0.0.1:8080/me/"))
            #expect(try await services.people.count() == 1)
        }
    }

    @Test("markup typed into the form comes back escaped", arguments: Backend.all)
    func escaped(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let unit = try await Fixture.poster("DJ-B03-U2", services)
            let (_, _, html) = try await client.postForm(unit.path, "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&consent=true")
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;"))
        }
    }

    @Test("region search", arguments: Backend.all)
    func regions(_ backend: Backend) async throws {
        try await TestApp(demo: false, backend: backend).test { client, _ in
            let (status, body) = try await client.get("/api/v1/regions?q=%E6%9C%9D%E9%98%B3")
            #expect(status == .ok && body.contains("110105"))
        }
    }
}
