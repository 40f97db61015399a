import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

extension TestClientProtocol {
    /// POST /api/v1/scan?checkpoint=… with an image body; the status and the JSON answer.
    func scan(_ image: [UInt8], type: String = "image/png", at checkpoint: String?, token: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let uri = checkpoint.map { "/api/v1/scan?checkpoint=\($0)" } ?? "/api/v1/scan"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: image)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
        }
    }
}

@Suite("Scanning camera frames on the server (POST /api/v1/scan)")
struct ScanTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../QRImagingTests/Fixtures").standardizedFileURL
    static func fixture(_ name: String) throws -> [UInt8] { try Array(Data(contentsOf: fixtures.appendingPathComponent(name))) }

    static func errorField(_ body: [String: Any]) -> (String?, String?) {
        let first = (body["errors"] as? [[String: Any]])?.first
        return (first?["field"] as? String, first?["code"] as? String)
    }

    @Test("the person's code.png, sent as a frame, gets the answer /api/v1/verify gives", arguments: Backend.all)
    func sameAnswer(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let png = try await client.execute(uri: scene.mePath + "/code.png", method: .get) { Array(buffer: $0.body) }
            #expect(try ZBar.decode(png: png) == [scene.payload], "zbarimg reads the same code")
            let (status, scanned) = try await client.scan(png, at: "CP-DJ-E", token: scene.guardGate)
            let verified = try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate).1
            #expect(status == .ok)
            #expect(scanned["result"] as? String == "pass" && scanned["name"] as? String == "张*华" && scanned["color"] as? String == "green")
            for key in ["result", "reason", "color", "name", "place"] { #expect(scanned[key] as? String == verified[key] as? String, "\(key)") }
            // At a gate of another community: the same stop as verify.
            let other = try await client.scan(png, at: "CP-HF-M", token: scene.guardHF).1
            #expect(other["result"] as? String == "stop" && other["reason"] as? String == "not_resident")
        }
    }

    @Test("a JPEG frame is read (a poster's QR is not a health code: invalid, malformed)", arguments: Backend.all)
    func jpeg(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let (status, answer) = try await client.scan(try Self.fixture("poster-gray.jpg"), type: "image/jpeg", at: "CP-DJ-E", token: scene.guardGate)
            #expect(status == .ok)
            #expect(answer["result"] as? String == "invalid" && answer["reason"] as? String == "malformed")
        }
    }

    @Test("bad frames: no QR code, not an image, wrong type, too large; tokens and checkpoints as for verify", arguments: Backend.all)
    func refusals(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let blank = try await client.scan(try Self.fixture("blank.jpg"), type: "image/jpeg", at: "CP-DJ-E", token: scene.guardGate)
            #expect(blank.0 == .unprocessableContent && Self.errorField(blank.1) == ("image", "no_code"))
            let text = try await client.scan(Array("GP1:ABCDEF".utf8), type: "image/png", at: "CP-DJ-E", token: scene.guardGate)
            #expect(text.0 == .unprocessableContent && Self.errorField(text.1) == ("image", "not_an_image"))
            let wrongType = try await client.scan(try Self.fixture("poster-gray.jpg"), type: "text/plain", at: "CP-DJ-E", token: scene.guardGate)
            #expect(wrongType.0 == .unprocessableContent && Self.errorField(wrongType.1) == ("image", "not_an_image"))
            let huge = try await client.scan([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 2 * 1024 * 1024), type: "image/jpeg",
                                             at: "CP-DJ-E", token: scene.guardGate)
            #expect(huge.0 == .contentTooLarge)
            let png = try Self.fixture("poster-gray.jpg")
            #expect(try await client.scan(png, type: "image/jpeg", at: "CP-DJ-E", token: nil).0 == .unauthorized)
            #expect(try await client.scan(png, type: "image/jpeg", at: "CP-DJ-E", token: scene.guardHF).0 == .forbidden)
            let noCheckpoint = try await client.scan(png, type: "image/jpeg", at: nil, token: scene.guardGate)
            #expect(noCheckpoint.0 == .unprocessableContent && Self.errorField(noCheckpoint.1) == ("checkpoint", "required"))
            let unknown = try await client.scan(png, type: "image/jpeg", at: "NOPE", token: scene.guardGate)
            #expect(unknown.0 == .unprocessableContent && Self.errorField(unknown.1) == ("checkpoint", "unknown_value"))
        }
    }
}
