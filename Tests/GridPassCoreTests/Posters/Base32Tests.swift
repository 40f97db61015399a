@testable import GridPassCore
import Testing

@Suite("Base32 (canonical)")
struct Base32Tests {
    @Test("RFC 4648 vectors without padding")
    func vectors() {
        let cases = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
                     ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in cases {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("non-canonical text is rejected")
    func canonical() {
        #expect(Base32.decode("MZ") == nil, "trailing bits of 'Y' vs 'Z' must be zero")
        #expect(Base32.decode("mzxw6") == nil, "lower case")
        #expect(Base32.decode("MZXW6===") == nil, "padding")
        #expect(Base32.decode("M") == nil && Base32.decode("MZX") == nil && Base32.decode("MZXW6Y") == nil, "impossible lengths")
        #expect(Base32.decode("MZXW1") == nil, "not in the alphabet")
    }

    @Test("round trip of random bytes of every length")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }
}
