import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Operations options: the metrics token, trusted proxies")
struct OperationsOptionsTests {
    @Test("--metrics-token: /metrics answers 401 without the bearer token, or with another, and 200 with it")
    func metricsToken() async throws {
        var app = try TestApp()
        app.config.metricsToken = "scrape-secret-123"
        try await app.test { client, _ in
            let none = try await client.execute(uri: "/metrics", method: .get) { $0.status }
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer nope"]) { $0.status }
            let right = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret-123"]) { $0.status }
            #expect(none == .unauthorized && wrong == .unauthorized && right == .ok)
        }
        try await TestApp().test { client, _ in
            let open = try await client.execute(uri: "/metrics", method: .get) { $0.status }
            #expect(open == .ok, "open without the option")
        }
    }

    /// A failed staff sign-in from behind a proxy: the audit's address.
    static func auditedAddress(trusting proxies: [String], forwardedFor: String) async throws -> String? {
        var app = try TestApp(live: true)
        app.config.trustedProxies = proxies
        return try await app.test(.live) { client, services in
            let form = try await client.execute(uri: "/staff/login", method: .get) { ($0.headers[values: .setCookie], String(buffer: $0.body)) }
            let cookie = form.0.first.map { String($0.split(separator: ";")[0]) } ?? ""
            let csrf = StaffBrowser.csrf(in: form.1) ?? ""
            _ = try await client.execute(uri: "/staff/login", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie,
                                                   .init("X-Forwarded-For")!: forwardedFor],
                                         body: ByteBuffer(string: "name=nobody&password=wrong-password&_csrf=\(csrf)")) { $0.status }
            return try await services.staff.audit(before: nil, limit: 5).first { $0.action == .loginFailure }?.address
        }
    }

    @Test("X-Forwarded-For counts only from a trusted proxy; the rightmost untrusted hop is the client")
    func trustedProxy() async throws {
        #expect(try await Self.auditedAddress(trusting: ["127.0.0.1"], forwardedFor: "198.51.100.7, 203.0.113.9") == "203.0.113.9")
        #expect(try await Self.auditedAddress(trusting: ["10.9.9.9"], forwardedFor: "203.0.113.9") == "127.0.0.1", "not from a trusted proxy: ignored")
        #expect(try await Self.auditedAddress(trusting: [], forwardedFor: "203.0.113.9") == "127.0.0.1")
    }
}
