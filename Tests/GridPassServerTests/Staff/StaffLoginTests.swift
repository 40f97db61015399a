import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Staff sign-in, sessions, CSRF and lockout")
struct StaffLoginTests {
    @Test("the right password starts an HttpOnly, SameSite=Strict session; a wrong one answers 401; sign-out ends it", arguments: Backend.all)
    func loginLogout(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            let bad = try await browser.login("grid1", "wrong password")
            #expect(bad.status == .unauthorized)
            #expect(bad.body.contains("用户名或密码错误"))
            #expect(browser.cookies["gp_session"] == nil)

            let ok = try await browser.login("grid1", StaffUsers.password)
            #expect(ok.status == .seeOther && ok.location == "/staff")
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("gp_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/staff"))
            #expect(!cookie.contains("Secure"), "plain http on 127.0.0.1")
            let home = try await browser.get("/staff")
            #expect(home.status == .ok)
            #expect(home.body.contains("第1网格") && home.body.contains("grid1"))
            #expect(!home.body.contains("第2网格"), "only the user's own scope")
            // The session id is stored only as a hash.
            let id = try #require(browser.cookies["gp_session"])
            #expect(try await services.staff.session(idHash: Array(id.utf8)) == nil)

            let out = try await browser.submit("/staff/logout", [:], tokenFrom: home)
            #expect(out.status == .seeOther && out.location == "/staff/login?bye=1")
            #expect(browser.cookies["gp_session"] == nil)
            browser.cookies["gp_session"] = id  // a copied cookie no longer works
            #expect(try await browser.get("/staff").status == .seeOther)
        }
    }

    @Test("pages without a session go to the sign-in page and come back; next never leaves the staff pages", arguments: Backend.all)
    func redirects(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            let page = try await browser.get("/staff/coverage/DJ-G1")
            #expect(page.status == .seeOther)
            #expect(page.location == "/staff/login?next=/staff/coverage/DJ-G1")
            let back = try await browser.login("grid1", StaffUsers.password, next: "/staff/coverage/DJ-G1")
            #expect(back.location == "/staff/coverage/DJ-G1")

            let other = StaffBrowser(client)
            #expect(try await other.login("grid1", StaffUsers.password, next: "//evil.example/staff").location == "/staff")
            let third = StaffBrowser(client)
            #expect(try await third.login("grid1", StaffUsers.password, next: "https://evil.example/").location == "/staff")
            // Signed in, the sign-in page sends you on.
            #expect(try await third.get("/staff/login").location == "/staff")
        }
    }

    @Test("ten wrong passwords: the fifth locks the account for 15 minutes with a clear message; even the right one is refused then", arguments: Backend.all)
    func lockout(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            var statuses: [HTTPResponse.Status] = []
            var last = ""
            for _ in 1...10 {
                let page = try await browser.login("grid1", "not the password")
                statuses.append(page.status)
                last = page.body
            }
            #expect(statuses == Array(repeating: .unauthorized, count: 4) + Array(repeating: .tooManyRequests, count: 6))
            #expect(last.contains("登录失败次数过多"))
            let until = Int64(Date().timeIntervalSince1970) + 900
            let clock = { (t: Int64) in String(format: "%02d:%02d", (t + 8 * 3600) % 86_400 / 3600, (t + 8 * 3600) % 3600 / 60) }
            #expect(last.contains(clock(until)) || last.contains(clock(until - 60)), "names the time the lock ends")

            let right = try await browser.login("grid1", StaffUsers.password)
            #expect(right.status == .tooManyRequests)
            #expect(browser.cookies["gp_session"] == nil)
            // The lock is per account: another user signs in from the same address.
            #expect(try await StaffBrowser(client).login("grid2", StaffUsers.password).status == .seeOther)
            // Kept in the database: it survives a restart (a second opening of the data directory).
            #expect(try await services.staff.loginThrottle(account: "grid1").lockedUntil != nil)
            // In English too.
            let english = StaffBrowser(client)
            english.language = "en"
            #expect(try await english.login("grid1", StaffUsers.password).body.contains("Too many failed attempts"))

            let log = try await services.staff.audit(before: nil, limit: 50)
            #expect(log.filter { $0.action == .loginFailure && $0.userName == "grid1" }.count == 4)
            #expect(log.contains { $0.action == .loginLocked && $0.userName == "grid1" })
        }
    }

    @Test("unknown names are counted and locked the same way (no telling which accounts exist)", arguments: Backend.all)
    func unknownAccounts(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let browser = StaffBrowser(client)
            var statuses: [HTTPResponse.Status] = []
            for _ in 1...5 { statuses.append(try await browser.login("nobody", "whatever123").status) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
            // An account without a web password (API token only) cannot sign in.
            _ = try await AccountService(services: services).addUser(name: "api-only", role: .admin, scope: nil, password: nil)
            #expect(try await browser.login("api-only", "").status == .unauthorized)
        }
    }

    @Test("forms without their CSRF token answer 403 and change nothing", arguments: Backend.all)
    func csrf(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            try await StaffUsers.add(services)
            let browser = StaffBrowser(client)
            // The sign-in form itself.
            _ = try await browser.get("/staff/login")
            #expect(try await browser.post("/staff/login", ["name": "grid1", "password": StaffUsers.password]).status == .forbidden)
            #expect(try await browser.post("/staff/login", ["name": "grid1", "password": StaffUsers.password, "_csrf": "x"]).status == .forbidden)
            #expect(browser.cookies["gp_session"] == nil)

            try await browser.login("grid1", StaffUsers.password)
            let place = try await browser.get("/staff/places/DJ-B03-U2")
            #expect(place.status == .ok)
            let token = try #require(place.csrf)
            let before = try #require(try await services.places.place(code: "DJ-B03-U2")).posterSerial
            let missing = try await browser.post("/staff/places/DJ-B03-U2/rotate", [:])
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("CSRF"))
            let wrong = try await browser.post("/staff/places/DJ-B03-U2/rotate", ["_csrf": String(token.reversed())])
            #expect(wrong.status == .forbidden)
            // Another session's token is no good either.
            let other = StaffBrowser(client)
            try await other.login("grid1", StaffUsers.password)
            let otherToken = try #require(try await other.get("/staff").csrf)
            #expect(try await browser.post("/staff/places/DJ-B03-U2/rotate", ["_csrf": otherToken]).status == .forbidden)
            #expect(try await services.places.place(code: "DJ-B03-U2")?.posterSerial == before)

            let done = try await browser.post("/staff/places/DJ-B03-U2/rotate", ["_csrf": token])
            #expect(done.status == .seeOther)
            #expect(try await services.places.place(code: "DJ-B03-U2")?.posterSerial == before + 1)
            // A form posted without any session is refused too.
            #expect(try await StaffBrowser(client).post("/staff/places/DJ-B03-U2/rotate", ["_csrf": token]).status == .forbidden)
        }
    }
}
