import Foundation
import GridPassCore
import GridPassCrypto
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

extension TestClientProtocol {
    /// GET a path; the status and the body as text.
    func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
        try await execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body)) }
    }

    /// Any method without a body, with a bearer token; the status and the JSON object (empty if none).
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers) { response in
            (response.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]) ?? [:])
        }
    }
}

@Suite("Guards signing in without typing a token")
struct GuardSignInTests {
    /// The guard-session token the page opened from a sign-in link was handed.
    static func handedToken(_ html: String) -> String? {
        guard let match = html.firstMatch(of: /data-token="(gpg_[A-Z2-7]{32})"/) else { return nil }
        return String(match.1)
    }

    static func signInLink(_ client: any TestClientProtocol, _ staffToken: String, at checkpoint: String = "CP-DJ-E") async throws -> String {
        let (status, body) = try await client.postJSON("/api/v1/checkpoints/\(checkpoint)/signin", [String: Any](), token: staffToken)
        #expect(status == .created, "\(body)")
        let url = try #require(body["url"] as? String)
        #expect(url.hasPrefix("http://127.0.0.1:8080/checkpoint/signin/gpl_"))
        let expires = try #require(body["expires_at"] as? String)
        let at = try Date(expires, strategy: .iso8601).timeIntervalSince1970
        #expect(abs(at - Date().timeIntervalSince1970 - Double(GuardSignIn.linkLifetime)) < 5)
        return String(url.dropFirst("http://127.0.0.1:8080".count))
    }

    @Test("a printed link opens the guard page signed in once; again 410; the session scans there only; revoking ends it at once", arguments: Backend.all)
    func link(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            let community = try await accounts.addUser(name: "dj-staff", role: .staff, scope: "DJ", password: nil).token
            let path = try await Self.signInLink(client, community)

            let (status, html) = try await client.page(path)
            #expect(status == .ok)
            let session = try #require(Self.handedToken(html), "the page carries the session")
            let (meStatus, me) = try await client.json(.get, "/api/v1/me", token: session)
            #expect(meStatus == .ok && me["role"] as? String == "guard" && me["scope"] as? String == "CP-DJ-E")
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: session).1["result"] as? String == "pass")
            #expect(try await client.verify(scene.payload, at: "CP-HF-M", token: session).0 == .forbidden)

            let (again, againHTML) = try await client.page(path)
            #expect(again == .gone && againHTML.contains("登录码已使用") && Self.handedToken(againHTML) == nil)
            #expect(try await client.page("/checkpoint/signin/gpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").0 == .notFound)
            #expect(try await client.page("/checkpoint/signin/nonsense").0 == .notFound)

            // A second, unused link and the live session: both revoked, in force at the next request.
            let unused = try await Self.signInLink(client, community)
            let (revokeStatus, revoked) = try await client.json(.delete, "/api/v1/checkpoints/CP-DJ-E/signin", token: community)
            #expect(revokeStatus == .ok && revoked["revoked"] as? Int == 2)
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: session).0 == .unauthorized)
            let (unusedStatus, unusedHTML) = try await client.page(unused)
            #expect(unusedStatus == .gone && unusedHTML.contains("已撤销"))
            let audit = try await services.staff.audit(before: nil, limit: 10).map(\.action)
            #expect(audit.filter { $0 == .guardLink }.count == 2 && audit.contains(.guardRevoke))
        }
    }

    @Test("who may print a link: staff covering the checkpoint or admins; 403 otherwise, 401 without a token, 404 for a place that is no checkpoint", arguments: Backend.all)
    func whoMayPrint(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let empty = [String: Any]()
            #expect(try await client.postJSON("/api/v1/checkpoints/CP-DJ-E/signin", empty).0 == .unauthorized)
            #expect(try await client.postJSON("/api/v1/checkpoints/CP-DJ-E/signin", empty, token: scene.staff).0 == .forbidden, "a grid's staff: the gate is the community's")
            #expect(try await client.postJSON("/api/v1/checkpoints/CP-DJ-E/signin", empty, token: scene.guardGate).0 == .forbidden)
            #expect(try await client.postJSON("/api/v1/checkpoints/CP-DJ-E/signin", empty, token: scene.admin).0 == .created)
            #expect(try await client.postJSON("/api/v1/checkpoints/DJ-B03-U2/signin", empty, token: scene.admin).0 == .notFound)
            #expect(try await client.postJSON("/api/v1/checkpoints/NOPE/signin", empty, token: scene.admin).0 == .notFound)
            #expect(try await client.json(.delete, "/api/v1/checkpoints/CP-DJ-E/signin", token: scene.staff).0 == .forbidden)
        }
    }

    @Test("an expired link answers 410 and signs nobody in", arguments: Backend.all)
    func expired(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let secret = GuardSignIn.linkPrefix + Base32.encode(try SecureRandom.bytes(20))
            let checkpoint = try #require(try await services.places.place(code: "CP-DJ-E"))
            let now = Int64(Date().timeIntervalSince1970)
            try await services.staff.createGuardLink(linkHash: try SHA256Digest.hash(Array(secret.utf8)), checkpointPlaceID: checkpoint.id,
                                                     createdBy: nil, now: now - 3600, expiresAt: now - 1)
            let (status, html) = try await client.page("/checkpoint/signin/" + secret)
            #expect(status == .gone && html.contains("已过期") && Self.handedToken(html) == nil)
        }
    }

    @Test("a guard account signs in with name and password; wrong ones 401 and count towards the lock; others 403; sign-out ends the session", arguments: Backend.all)
    func password(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            _ = try await accounts.addUser(name: "wang", role: .guard_, scope: "CP-DJ-E", password: "gate-password-1")
            _ = try await accounts.addUser(name: "li", role: .staff, scope: "DJ", password: "staff-password-1")

            let (status, answer) = try await client.postJSON("/api/v1/guard/login", ["name": "wang", "password": "gate-password-1"])
            #expect(status == .created && answer["checkpoint"] as? String == "CP-DJ-E")
            let token = try #require(answer["token"] as? String)
            #expect(GuardSignIn.isSession(Array(token.utf8)))
            let me = try await client.json(.get, "/api/v1/me", token: token).1
            #expect(me["name"] as? String == "wang" && me["role"] as? String == "guard")
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: token).1["result"] as? String == "pass")

            #expect(try await client.postJSON("/api/v1/guard/login", ["name": "wang", "password": "wrong-password"]).0 == .unauthorized)
            #expect(try await services.staff.loginThrottle(account: "wang").failures == 1)
            #expect(try await client.postJSON("/api/v1/guard/login", ["name": "li", "password": "staff-password-1"]).0 == .forbidden)
            let (missing, errors) = try await client.postJSON("/api/v1/guard/login", ["name": "", "password": 5])
            #expect(missing == .unprocessableContent)
            #expect((errors["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["name", "password"])

            #expect(try await client.postJSON("/api/v1/guard/logout", [String: Any](), token: token).0 == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: token).0 == .unauthorized)
        }
    }

    @Test("the staff pages print the sign-in QR (a working link, its end filled in) and revoke it", arguments: Backend.all)
    func staffPages(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            try await browser.login("root", StaffUsers.password)
            let place = try await browser.get("/staff/places/CP-DJ-E")
            #expect(place.body.contains("/staff/places/CP-DJ-E/guard-signin"))
            let sheet = try await browser.submit("/staff/places/CP-DJ-E/guard-signin", [:], tokenFrom: place)
            #expect(sheet.status == .ok && sheet.body.contains("<svg") && !sheet.body.contains("{until}") && !sheet.body.contains("{2"))
            let url = try #require(sheet.body.firstMatch(of: /http:\/\/127\.0\.0\.1:8080(\/checkpoint\/signin\/gpl_[A-Z2-7]{32})/)).1
            #expect(Self.handedToken(try await client.page(String(url)).1) != nil)
            let revoked = try await browser.submit("/staff/places/CP-DJ-E/guard-signin/revoke", [:], tokenFrom: place)
            #expect(revoked.status == .seeOther)
            let after = try await browser.get(try #require(revoked.location))
            #expect(after.body.contains("已撤销 1 个登录"))
            // A grid's staff does not cover the community's gate.
            let grid = StaffBrowser(client)
            try await grid.login("grid1", StaffUsers.password)
            let page = try await grid.get("/staff")
            #expect(try await grid.submit("/staff/places/CP-DJ-E/guard-signin", [:], tokenFrom: page).status == .forbidden)
        }
    }
}
