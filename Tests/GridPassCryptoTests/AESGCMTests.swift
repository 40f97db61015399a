import GridPassCrypto
import Testing

@Suite("AES-256-GCM and random bytes")
struct AESGCMTests {
    @Test func roundTrip() throws {
        let box = try AES256GCM(key: try SecureRandom.bytes(32))
        for message in [[UInt8](), Array("11010519491231002X".utf8), [UInt8](repeating: 7, count: 1000)] {
            let sealed = try box.seal(message, associatedData: Array("person:1".utf8))
            #expect(sealed.count == message.count + 28)
            #expect(try box.open(sealed, associatedData: Array("person:1".utf8)) == message)
        }
    }

    @Test("the same plaintext seals differently each time (random nonce)")
    func nonces() throws {
        let box = try AES256GCM(key: try SecureRandom.bytes(32))
        #expect(try box.seal([1, 2, 3]) != (try box.seal([1, 2, 3])))
    }

    @Test("any changed byte, other associated data or another key fails to open", arguments: [0, 5, 12, 14, 30])
    func tamper(_ position: Int) throws {
        let key = try SecureRandom.bytes(32)
        let box = try AES256GCM(key: key)
        var sealed = try box.seal(Array("13800138000".utf8), associatedData: [9])
        sealed[position] ^= 0x01
        #expect(throws: CryptoError.authenticationFailed) { try box.open(sealed, associatedData: [9]) }
        sealed[position] ^= 0x01
        #expect(throws: CryptoError.authenticationFailed) { try box.open(sealed, associatedData: [8]) }
        var otherKey = key
        otherKey[0] ^= 1
        #expect(throws: CryptoError.authenticationFailed) { try AES256GCM(key: otherKey).open(sealed, associatedData: [9]) }
        #expect(try box.open(sealed, associatedData: [9]) == Array("13800138000".utf8))
    }

    @Test func rejectsBadInput() throws {
        #expect(throws: CryptoError.invalidKeySize) { try AES256GCM(key: [1, 2, 3]) }
        let box = try AES256GCM(key: try SecureRandom.bytes(32))
        #expect(throws: CryptoError.malformedBox) { try box.open([1, 2, 3]) }
    }

    @Test func randomBytes() throws {
        let a = try SecureRandom.bytes(32), b = try SecureRandom.bytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
        #expect(try SecureRandom.bytes(0).isEmpty)
    }
}
