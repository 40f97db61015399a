import Foundation
import GridPassCore
import GridPassServer
import Hummingbird
import HummingbirdTesting

/// Valid registration bodies and helpers shared by the intake tests.
enum Fixture {
    /// A valid identity number with the given 3-digit sequence, born 1985-06-15 in Beijing.
    static func idNumber(_ seq: Int) -> String {
        let body = "110105" + "19850615" + String(format: "%03d", seq % 1000)
        return body + String(IdentityNumber.checkCharacter(of: body)!)
    }

    static func resident(token: String, id: String = Fixture.idNumber(1), room: String = "301", extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "token": token, "name": "张三华", "id_number": id, "phone": "+86 138-0013-8000", "room": room,
            "temperature": 36.5, "symptoms": [String](), "visited": ["110105"], "contact": "none", "consent": true,
        ]
        for (k, v) in extra { body[k] = v }
        return body
    }

    static func worker(token: String, id: String = Fixture.idNumber(7)) -> [String: Any] {
        ["token": token, "name": "李四", "id_number": id, "phone": "13900139000", "department": "装配车间",
         "temperature": 36.6, "symptoms": [String](), "visited": [String](), "contact": "none", "consent": true]
    }

    /// The path `/r/TOKEN` and the token of a door's poster in force.
    static func poster(_ code: String, _ services: AppServices) async throws -> (path: String, token: String) {
        let (_, posters) = try await PosterService(services: services).posters(for: code, publicURL: "")
        let url = posters[0].url
        return (url, String(url.split(separator: "/").last!))
    }
}

extension TestClientProtocol {
    /// POST a JSON value; returns status and the decoded JSON object (empty if none).
    func postJSON(_ uri: String, _ body: Any, token: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: data)) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
            return (response.status, object ?? [:])
        }
    }

    func postForm(_ uri: String, _ form: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form)) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The `field` names of a 422 body.
    var errorFields: [String] { (self["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
}
