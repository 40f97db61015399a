import GridPassCore
import GridPassCrypto
import Testing

@Suite("Poster tokens")
struct PosterTokenTests {
    static func key(_ id: UInt16, _ purpose: KeyPurpose = .posterTokens) throws -> RingKey {
        try RingKey(id: id, purpose: purpose, createdAt: 0, secret: try SecureRandom.bytes(32))
    }

    @Test("sign and verify; 32 characters of [A-Z2-7]")
    func roundTrip() throws {
        let key = try Self.key(1)
        let token = try PosterToken.sign(kind: .unit, placeID: 4711, serial: 3, with: key)
        #expect(token.count == PosterToken.textLength)
        #expect(token.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        let decoded = try PosterToken.verify(token, keys: KeySet([key])).get()
        #expect(decoded == PosterToken(kind: .unit, placeID: 4711, serial: 3, keyID: 1))
    }

    @Test("changing any single character to any other makes the token invalid")
    func everySingleChange() throws {
        let key = try Self.key(1)
        let keys = KeySet([key])
        let token = Array(try PosterToken.sign(kind: .enterprise, placeID: 12, serial: 1, with: key))
        for i in token.indices {
            for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz01=" where c != token[i] {
                var changed = token
                changed[i] = c
                guard case .failure = PosterToken.verify(String(changed), keys: keys) else {
                    Issue.record("token still valid after changing position \(i) to \(c)")
                    return
                }
            }
        }
        #expect(throws: Never.self) { try PosterToken.verify(String(token), keys: keys).get() }
    }

    @Test("unknown key id, key of another purpose, another ring with the same id")
    func keys() throws {
        let key = try Self.key(7)
        let token = try PosterToken.sign(kind: .checkpoint, placeID: 1, serial: 1, with: key)
        #expect(PosterToken.verify(token, keys: KeySet([try Self.key(8)])) == .failure(.unknownKey))
        #expect(PosterToken.verify(token, keys: KeySet([try Self.key(7, .healthCodes)])) == .failure(.unknownKey))
        #expect(PosterToken.verify(token, keys: KeySet([try Self.key(7)])) == .failure(.badSignature))
    }

    @Test("after key rotation old tokens verify and new ones use the new key")
    func rotation() throws {
        let old = try Self.key(1), new = try Self.key(4)
        let ring = KeySet([old, new])
        #expect(ring.current(.posterTokens)?.id == 4)
        let before = try PosterToken.sign(kind: .unit, placeID: 9, serial: 1, with: old)
        let after = try PosterToken.sign(kind: .unit, placeID: 9, serial: 1, with: try #require(ring.current(.posterTokens)))
        #expect(try PosterToken.verify(before, keys: ring).get().keyID == 1)
        #expect(try PosterToken.verify(after, keys: ring).get().keyID == 4)
        #expect(before != after)
    }

    @Test("malformed input")
    func malformed() throws {
        let keys = KeySet([try Self.key(1)])
        for text in ["", "AAAA", String(repeating: "A", count: 31), String(repeating: "A", count: 33), String(repeating: "A", count: 32)] {
            guard case .failure(let failure) = PosterToken.verify(text, keys: keys) else { Issue.record("\(text) accepted"); continue }
            #expect(failure == .malformed || failure == .unknownKey || failure == .badSignature)
        }
        #expect(PosterToken.verify(String(repeating: "A", count: 32), keys: keys) == .failure(.malformed), "version 0")
    }

    @Test("poster URL is upper-cased and has no doubled slash")
    func url() {
        #expect(PosterURL.make(publicURL: "http://127.0.0.1:8080/", token: "ABC") == "HTTP://127.0.0.1:8080/R/ABC")
    }
}

