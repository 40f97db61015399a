import GridPassCore
import GridPassCrypto
import Testing

@Suite("GP1 health codes")
struct HealthCodeTests {
    static func key(_ id: UInt16, _ purpose: KeyPurpose = .healthCodes) throws -> RingKey {
        try RingKey(id: id, purpose: purpose, createdAt: 0, secret: try SecureRandom.bytes(32))
    }

    static let person = PersonRef(hex: "0123456789abcdef")!
    static let issued: Int64 = 1_795_000_000
    static let expires: Int64 = issued + 86_400

    static func sign(_ key: RingKey, color: HealthColor = .green, status: UInt32 = 1,
                     issued: Int64 = issued, expires: Int64 = expires) throws -> String {
        try HealthCode.sign(person: person, color: color, statusVersion: status, issuedAt: issued, expiresAt: expires, with: key)
    }

    @Test("round trip of every colour; GP1: + upper-case base32, at most 90 characters")
    func roundTrip() throws {
        let key = try Self.key(3)
        for color in HealthColor.allCases {
            let code = try Self.sign(key, color: color, status: 4_000_000_000)
            #expect(code.count <= 90)
            #expect(code.count == HealthCode.textLength)
            #expect(code.hasPrefix("GP1:"))
            #expect(code.dropFirst(4).allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
            let payload = try HealthCode.verify(code, keys: KeySet([key]), now: Self.issued).get()
            #expect(payload == HealthCodePayload(person: Self.person, color: color, statusVersion: 4_000_000_000,
                                                 issuedAt: Self.issued, expiresAt: Self.expires, keyID: 3))
        }
    }

    @Test("the payload carries only the opaque reference: the same inputs give the same code")
    func deterministic() throws {
        let key = try Self.key(1)
        #expect(try Self.sign(key) == Self.sign(key))
        let other = try HealthCode.sign(person: PersonRef(hex: "0123456789abcdee")!, color: .green, statusVersion: 1,
                                        issuedAt: Self.issued, expiresAt: Self.expires, with: key)
        #expect(other != (try Self.sign(key)))
    }

    @Test("changing any single character to any other makes the code invalid")
    func everySingleChange() throws {
        let key = try Self.key(1)
        let keys = KeySet([key])
        let code = Array(try Self.sign(key, color: .red))
        var failures: [HealthCodeFailure: Int] = [:]
        for i in code.indices {
            for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz01=: " where c != code[i] {
                var changed = code
                changed[i] = c
                switch HealthCode.verify(String(changed), keys: keys, now: Self.issued) {
                case .success: Issue.record("accepted a change at \(i) to \(c)")
                case .failure(let f): failures[f, default: 0] += 1
                }
            }
        }
        #expect(failures[.malformed, default: 0] > 0)
        #expect(failures[.badSignature, default: 0] > 0)
    }

    @Test("the last character ends in a zero bit: setting it is refused as malformed, for any key")
    func trailingBits() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        for _ in 0..<32 {
            let key = try Self.key(1)
            var code = Array(try Self.sign(key))
            let value = try #require(alphabet.firstIndex(of: code.removeLast()))
            #expect(value & 1 == 0, "48 bytes are 384 bits: 77 characters carry one bit more")
            let trailingOnly = alphabet[value | 1]
            #expect(HealthCode.verify(String(code + [trailingOnly]), keys: KeySet([key]), now: Self.issued) == .failure(.malformed))
        }
    }

    @Test("truncated, extended, lower case, other prefix, spaces: malformed")
    func malformed() throws {
        let key = try Self.key(1)
        let keys = KeySet([key])
        let code = try Self.sign(key)
        let base32 = String(code.dropFirst(4))
        let bad: [String] = [String(code.dropLast()), String(code.dropLast(8)), code + "A", code + "AAAAAAAA",
                             code.lowercased(), "gp1:" + base32, "GP2:" + base32, "GP1" + base32 + "A",
                             " " + code, code + "\n", base32, "", "GP1:"]
        for text in bad {
            #expect(HealthCode.verify(text, keys: keys, now: Self.issued) == .failure(.malformed), "\(text)")
        }
    }

    @Test("unknown key id, or a key id of another purpose")
    func unknownKey() throws {
        let key = try Self.key(7)
        let code = try Self.sign(key)
        #expect(HealthCode.verify(code, keys: KeySet([try Self.key(8)]), now: Self.issued) == .failure(.unknownKey))
        #expect(HealthCode.verify(code, keys: KeySet([try Self.key(7, .posterTokens)]), now: Self.issued) == .failure(.unknownKey))
        #expect(HealthCode.verify(code, keys: KeySet([]), now: Self.issued) == .failure(.unknownKey))
    }

    @Test("another secret under the same key id (another data directory): bad signature")
    func otherSecret() throws {
        let code = try Self.sign(try Self.key(1))
        #expect(HealthCode.verify(code, keys: KeySet([try Self.key(1)]), now: Self.issued) == .failure(.badSignature))
    }

    @Test("rotation: the new key signs, codes of the old key still verify")
    func rotation() throws {
        let old = try Self.key(1)
        let new = try Self.key(2)
        let ring = KeySet([old, try Self.key(5, .posterTokens), new])
        let signer = try #require(ring.current(.healthCodes))
        #expect(signer.id == 2)
        let oldCode = try Self.sign(old)
        let newCode = try Self.sign(signer)
        #expect(try HealthCode.verify(oldCode, keys: ring, now: Self.issued).get().keyID == 1)
        #expect(try HealthCode.verify(newCode, keys: ring, now: Self.issued).get().keyID == 2)
        #expect(HealthCode.verify(newCode, keys: KeySet([old]), now: Self.issued) == .failure(.unknownKey))
    }

    @Test("expiry: valid until the second before expires-at")
    func expiry() throws {
        let key = try Self.key(1)
        let keys = KeySet([key])
        let code = try Self.sign(key)
        #expect((try? HealthCode.verify(code, keys: keys, now: Self.expires - 1).get()) != nil)
        #expect(HealthCode.verify(code, keys: keys, now: Self.expires) == .failure(.expired))
        #expect(HealthCode.verify(code, keys: keys, now: Self.expires + 3600) == .failure(.expired))
    }

    @Test("clock skew: issued up to allowedSkew in the future is accepted")
    func skew() throws {
        let key = try Self.key(1)
        let keys = KeySet([key])
        let code = try Self.sign(key)
        #expect((try? HealthCode.verify(code, keys: keys, now: Self.issued - 300).get()) != nil)
        #expect(HealthCode.verify(code, keys: keys, now: Self.issued - 301) == .failure(.notYetValid))
        #expect(HealthCode.verify(code, keys: keys, now: Self.issued - 10, allowedSkew: 0) == .failure(.notYetValid))
        #expect((try? HealthCode.verify(code, keys: keys, now: Self.issued - 10, allowedSkew: 10).get()) != nil)
    }

    @Test("checks run in order: a bad signature is reported before expiry")
    func order() throws {
        let code = try Self.sign(try Self.key(1))
        let keys = KeySet([try Self.key(1)])
        #expect(HealthCode.verify(code, keys: keys, now: Self.expires + 1) == .failure(.badSignature))
        #expect(HealthCode.verify(code, keys: KeySet([]), now: Self.expires + 1) == .failure(.unknownKey))
    }

    @Test("wire reasons of CONTRACT §6")
    func wireReasons() {
        #expect(HealthCodeFailure.malformed.wireReason == "malformed")
        #expect(HealthCodeFailure.unknownKey.wireReason == "unknown_key")
        #expect(HealthCodeFailure.badSignature.wireReason == "bad_signature")
        #expect(HealthCodeFailure.expired.wireReason == "expired")
        #expect(HealthCodeFailure.notYetValid.wireReason == "expired")
    }

    @Test("signing refuses negative times and an expiry not after the issue")
    func lifetime() throws {
        let key = try Self.key(1)
        #expect(throws: HealthCode.SignError.invalidLifetime) { try Self.sign(key, issued: -1, expires: 10) }
        #expect(throws: HealthCode.SignError.invalidLifetime) { try Self.sign(key, issued: 10, expires: 10) }
    }

    @Test("colours are ordered by severity")
    func severity() {
        #expect(HealthColor.green < .yellow && HealthColor.yellow < .red)
        #expect(HealthColor.allCases.max() == .red)
    }

    @Test("person references: 8 bytes, hex round trip, random ones differ")
    func personRef() throws {
        #expect(PersonRef(hex: "0123456789ABCDEF")?.hex == "0123456789abcdef")
        #expect(PersonRef(hex: "0123456789abcde") == nil)
        #expect(PersonRef(hex: "0123456789abcdeg") == nil)
        #expect(PersonRef(bytes: [1, 2, 3]) == nil)
        let a = try PersonRef.random(), b = try PersonRef.random()
        #expect(a != b && a.bytes.count == 8)
    }
}
