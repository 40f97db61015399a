import Foundation
import GridPassCore
import GridPassServer
import Hummingbird
import HummingbirdTesting

/// A browser of the staff pages over the test client: keeps its cookies and reads the forms'
/// CSRF tokens from the pages, as a person at a browser would.
final class StaffBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// Set-Cookie lines of the last response.
    var lastSetCookies: [String] = []
    var language = "zh-CN"

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        var location: String? { headers[.location] }
        /// The value of the first hidden `_csrf` field.
        var csrf: String? { StaffBrowser.csrf(in: body) }
    }

    func get(_ uri: String) async throws -> Page {
        try await send(uri, method: .get, body: nil)
    }

    func post(_ uri: String, _ form: [String: String]) async throws -> Page {
        let text = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(uri, method: .post, body: text)
    }

    /// Posts a form with the CSRF token read from `page` (another page of the same session).
    func submit(_ uri: String, _ form: [String: String], tokenFrom page: Page) async throws -> Page {
        var form = form
        form["_csrf"] = page.csrf ?? ""
        return try await post(uri, form)
    }

    /// Signs in through the sign-in page; returns the answer to the form.
    @discardableResult
    func login(_ name: String, _ password: String, next: String? = nil) async throws -> Page {
        let form = try await get("/staff/login" + (next.map { "?next=" + Self.encode($0) } ?? ""))
        var fields = ["name": name, "password": password, "_csrf": form.csrf ?? ""]
        if let next { fields["next"] = next }
        return try await post("/staff/login", fields)
    }

    func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [.acceptLanguage: language]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        lastSetCookies = page.headers[values: .setCookie]
        for line in lastSetCookies {
            let pair = line.split(separator: ";")[0]
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]), value = String(pair[pair.index(after: eq)...])
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.*"))) ?? s
    }
}

/// Users with web passwords for the staff tests.
enum StaffUsers {
    static let password = "correct horse 1"

    /// admin `root`, staff `grid1` (DJ-G1) and `grid2` (DJ-G2), HR `hr-psjm` (E-PSJM) and
    /// `hr-dmsp` (E-DMSP), guard `gate` (CP-DJ-E).
    static func add(_ services: AppServices) async throws {
        let accounts = AccountService(services: services)
        _ = try await accounts.addUser(name: "root", role: .admin, scope: nil, password: password)
        _ = try await accounts.addUser(name: "grid1", role: .staff, scope: "DJ-G1", password: password)
        _ = try await accounts.addUser(name: "grid2", role: .staff, scope: "DJ-G2", password: password)
        _ = try await accounts.addUser(name: "hr-psjm", role: .hr, scope: "E-PSJM", password: password)
        _ = try await accounts.addUser(name: "hr-dmsp", role: .hr, scope: "E-DMSP", password: password)
        _ = try await accounts.addUser(name: "gate", role: .guard_, scope: "CP-DJ-E", password: password)
    }
}
