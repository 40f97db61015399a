import Foundation
import GridPassCore
import GridPassServer
import GridPassStore
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Posters: print, scan, tamper, rotate")
struct PosterFlowTests {
    @Test("healthz", arguments: Backend.all)
    func healthz(_ backend: Backend) async throws {
        try await TestApp(demo: false, backend: backend).test { client, _ in
            let (status, body) = try await client.get("/healthz")
            #expect(status == .ok && body == "ok\n")
        }
    }

    @Test("every PNG poster of the demo street decodes with zbarimg to a URL the server answers with 200 naming the place", arguments: Backend.all)
    func demoStreet(_ backend: Backend) async throws {
        let app = try TestApp(backend: backend)
        try await app.test { client, services in
            let service = PosterService(services: services)
            let (title, posters) = try await service.posters(for: "PS-DM", publicURL: app.config.effectivePublicURL)
            #expect(title == "平山区东明街道")
            #expect(posters.count == 117)
            let out = try makeTemporaryDirectory("posters")
            let files = try service.write(posters, format: .png, to: out, title: title)
            #expect(Set(files.map(\.lastPathComponent)) == Set(posters.map { "\($0.code).png" }))
            for (poster, file) in zip(posters, files) {
                let decoded = try ZBar.decode(file)
                #expect(decoded == [poster.url])
                let url = try #require(URL(string: decoded[0]))
                #expect(url.path.hasPrefix("/R/"))
                let (status, body) = try await client.get(url.path)
                #expect(status == .ok)
                #expect(body.contains(poster.path.fullName))
            }
        }
    }

    @Test("changing any one character of a token gives 404; lower-case /r/ path works for the exact token", arguments: Backend.all)
    func tamper(_ backend: Backend) async throws {
        let app = try TestApp(backend: backend)
        try await app.test { client, services in
            let (_, posters) = try await PosterService(services: services).posters(for: "DJ-B03-U2", publicURL: app.config.effectivePublicURL)
            let token = String(try #require(posters.first).url.split(separator: "/").last!)
            #expect(try await client.get("/r/\(token)").0 == .ok)
            var chars = Array(token)
            for i in chars.indices {
                let original = chars[i]
                chars[i] = original == "A" ? "B" : "A"
                let (status, body) = try await client.get("/R/\(String(chars))")
                #expect(status == .notFound, "position \(i)")
                #expect(body.contains("二维码无效"))
                chars[i] = original
            }
            #expect(try await client.get("/r/\(token.lowercased())").0 == .notFound)
            #expect(try await client.get("/r/short").0 == .notFound)
        }
    }

    @Test("after poster rotate the old URL answers 410 and the new poster works", arguments: Backend.all)
    func rotate(_ backend: Backend) async throws {
        var app = try TestApp(backend: backend)
        app.config = try await app.prepared()  // PostgreSQL: the database is known before the test, for the CLI's opening below
        try await app.test { [app] client, services in
            let service = PosterService(services: services)
            let old = try #require(try await service.posters(for: "E-PSJM", publicURL: "http://x").posters.first)
            _ = try await services.places.rotatePoster(code: "E-PSJM")
            let new = try #require(try await service.posters(for: "E-PSJM", publicURL: "http://x").posters.first)
            #expect(old.url != new.url)
            let (status, body) = try await client.get(try #require(URL(string: old.url)).path)
            #expect(status == .gone)
            #expect(body.contains("海报已更换"))
            let (newStatus, newBody) = try await client.get(try #require(URL(string: new.url)).path)
            #expect(newStatus == .ok)
            #expect(newBody.contains("平山精密机械有限公司"))

            // Rotated by another process on the data directory or database (`gridpass poster rotate`
            // while serving), after the server has just read the serial: refused from the next request.
            #expect(try await client.get(try #require(URL(string: new.url)).path).0 == .ok)
            let cli: any PlaceRepository = switch backend {
            case .sqlite: try SQLitePlaceRepository(try DataDirectory(path: services.data!.url.path).openDatabase())
            case .postgres: try await AppServices.open(app.config.effectiveStore).places
            }
            #expect(try await cli.rotatePoster(code: "E-PSJM").posterSerial == 3)
            #expect(try await client.get(try #require(URL(string: new.url)).path).0 == .gone)
            let token = try #require(new.url.split(separator: "/").last).description
            let (registration, answer) = try await client.postJSON("/api/v1/registrations", Fixture.worker(token: token))
            #expect(registration == .unprocessableContent && answer.errorFields == ["token"], "\(answer)")
            #expect(try await services.people.count() == 0)
        }
    }

    @Test("posters of keys rotated by another process still verify; English when preferred", arguments: Backend.all)
    func keyRotation(_ backend: Backend) async throws {
        let app = try TestApp(backend: backend)
        try await app.test { client, services in
            let service = PosterService(services: services)
            let before = try #require(try await service.posters(for: "CP-DJ-E", publicURL: "http://x").posters.first)
            _ = try await services.keyRing.rotateKeys([.posterTokens])
            let after = try #require(try await service.posters(for: "CP-DJ-E", publicURL: "http://x").posters.first)
            #expect(before.url != after.url)
            for poster in [before, after] {
                let (status, body) = try await client.get(try #require(URL(string: poster.url)).path,
                                                          headers: [.acceptLanguage: "en-US,en;q=0.9,zh;q=0.5"])
                #expect(status == .ok)
                #expect(body.contains("checkpoint"))
            }
        }
    }

    @Test("SVG and HTML sheets: one poster per door, names escaped", arguments: Backend.all)
    func sheets(_ backend: Backend) async throws {
        let app = try TestApp(backend: backend)
        try await app.test { _, services in
            let service = PosterService(services: services)
            let (title, posters) = try await service.posters(for: "DJ-B01", publicURL: "http://127.0.0.1:8080")
            #expect(posters.count == 3)
            let out = try makeTemporaryDirectory("sheets")
            let html = try service.write(posters, format: .html, to: out, title: title)
            let text = try String(contentsOf: html[0], encoding: .utf8)
            #expect(text.components(separatedBy: "<section class=\"page\">").count == 4)
            #expect(text.contains("平山区东明街道东进社区"))
            let svgs = try service.write(posters, format: .svg, to: out, title: title)
            #expect(svgs.map(\.lastPathComponent) == ["DJ-B01-U1.svg", "DJ-B01-U2.svg", "DJ-B01-U3.svg"])
        }
    }
}
