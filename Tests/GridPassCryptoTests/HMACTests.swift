import GridPassCrypto
import Testing

@Suite("HMAC-SHA256 (RFC 4231)")
struct HMACTests {
    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(s.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars = chars.dropFirst(2)
        }
        return out
    }

    static func str(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    /// (key, data, HMAC-SHA256) of RFC 4231 test cases 1, 2, 3, 4, 6 and 7.
    static let vectors: [(key: [UInt8], data: [UInt8], mac: String)] = [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test("RFC 4231 vectors", arguments: 0..<6)
    func rfc4231(_ index: Int) throws {
        let v = Self.vectors[index]
        let mac = try HMACSHA256(key: v.key)
        #expect(Self.str(try mac.mac(v.data)) == v.mac)
        // The reused context gives the same answer again (re-initialised, not continued).
        #expect(Self.str(try mac.mac(v.data)) == v.mac)
    }

    @Test("truncated RFC 4231 case 5 (128 bits) verifies; a changed tag does not")
    func truncated() throws {
        let mac = try HMACSHA256(key: [UInt8](repeating: 0x0c, count: 20))
        let data = Array("Test With Truncation".utf8)
        let tag = Self.hex("a3b6167473100ee06e0c796c2955552b")
        #expect(mac.verify(tag, for: data))
        var bad = tag
        bad[15] ^= 1
        #expect(!mac.verify(bad, for: data))
        #expect(!mac.verify(Array(tag.prefix(9)), for: data), "tags under 80 bits are refused")
    }

    @Test("contexts are reused safely from many tasks at once")
    func concurrent() async throws {
        let mac = try HMACSHA256(key: Array("Jefe".utf8))
        let expected = Self.vectors[1].mac
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<200 {
                group.addTask { Self.str(try mac.mac(Array("what do ya want for nothing?".utf8))) }
            }
            for try await result in group { #expect(result == expected) }
        }
    }

    @Test("constant-time compare")
    func compare() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
    }
}
