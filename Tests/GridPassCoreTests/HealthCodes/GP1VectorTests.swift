import Foundation
import GridPassCore
import GridPassCrypto
import Testing

/// The conformance vectors of `Vectors/gp1-vectors.json`, also checked by the independent
/// `Vectors/check_vectors.py`.
@Suite("GP1 conformance vectors")
struct GP1VectorTests {
    struct Case: Decodable, CustomTestStringConvertible {
        struct Key: Decodable { let id: UInt16; let purpose: String; let secret: String }
        struct Fields: Decodable, Equatable {
            let person: String
            let color: String
            let status_version: UInt32
            let issued_at: Int64
            let expires_at: Int64
            let key_id: UInt16
        }
        struct Expect: Decodable { let result: String; let payload: Fields?; let reason: String?; let wire_reason: String? }

        let name: String
        let keys: [Key]
        let now: Int64
        let allowed_skew: Int64?
        let sign: Fields?
        let code: String
        let expect: Expect

        var testDescription: String { name }
    }

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/gp1-vectors.json")

    static func load() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let chars = Array(hex)
        return try stride(from: 0, to: chars.count, by: 2).map { i in
            try #require(UInt8(String(chars[i..<i + 2]), radix: 16))
        }
    }

    static func ring(_ c: Case) throws -> [RingKey] {
        try c.keys.map { k in
            try RingKey(id: k.id, purpose: try #require(KeyPurpose(rawValue: k.purpose)), createdAt: 0,
                        secret: try bytes(hex: k.secret))
        }
    }

    static let failureNames: [HealthCodeFailure: String] = [
        .malformed: "malformed", .unknownKey: "unknown_key", .badSignature: "bad_signature",
        .expired: "expired", .notYetValid: "not_yet_valid",
    ]

    @Test("the file covers every outcome")
    func coverage() throws {
        let cases = try Self.load()
        #expect(cases.count >= 20)
        #expect(cases.contains { $0.sign != nil && $0.expect.result == "valid" })
        for color in HealthColor.allCases {
            #expect(cases.contains { $0.expect.payload?.color == color.rawValue }, "\(color)")
        }
        for name in Self.failureNames.values {
            #expect(cases.contains { $0.expect.reason == name }, "\(name)")
        }
    }

    @Test("every case", arguments: try load())
    func vector(_ c: Case) throws {
        let keys = try Self.ring(c)
        let set = KeySet(keys)
        if let fields = c.sign {
            let key = try #require(keys.first { $0.id == fields.key_id })
            let signed = try HealthCode.sign(person: try #require(PersonRef(hex: fields.person)),
                                             color: try #require(HealthColor(rawValue: fields.color)),
                                             statusVersion: fields.status_version, issuedAt: fields.issued_at,
                                             expiresAt: fields.expires_at, with: key)
            #expect(signed == c.code)
        }
        let result = HealthCode.verify(c.code, keys: set, now: c.now, allowedSkew: c.allowed_skew ?? 300)
        switch (result, c.expect.result) {
        case (.success(let p), "valid"):
            #expect(c.code.count <= 90)
            let decoded = Case.Fields(person: p.person.hex, color: p.color.rawValue, status_version: p.statusVersion,
                                      issued_at: p.issuedAt, expires_at: p.expiresAt, key_id: p.keyID)
            #expect(decoded == c.expect.payload)
        case (.failure(let failure), "invalid"):
            #expect(Self.failureNames[failure] == c.expect.reason)
            #expect(failure.wireReason == c.expect.wire_reason)
        default:
            Issue.record("got \(result), expected \(c.expect.result) \(c.expect.reason ?? "")")
        }
    }
}
