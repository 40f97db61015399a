import GridPassCrypto

/// The opaque reference to a person carried by a health code: 8 bytes chosen by the store when
/// the person is created (`timeOrdered`: the low 32 bits of the creation time in milliseconds,
/// then 32 random bits; references of older data directories are 8 random bytes). It is never
/// derived from a name, identity number or phone, so a code reveals nothing about who holds it
/// beyond when they registered.
public struct PersonRef: Hashable, Sendable, CustomStringConvertible {
    public static let size = 8

    public let bytes: [UInt8]

    /// Hashes the 8 bytes as one integer (caches and sets of references are keyed by them;
    /// hashing one integer costs less than hashing an array).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// - Returns: nil unless `bytes` has exactly 8 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = Array(bytes)
    }

    /// Parses 16 hexadecimal digits (either case), the form `hex` produces.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == Self.size * 2 else { return nil }
        var out = [UInt8]()
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = Self.nibble(digits[i]), let lo = Self.nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        self.bytes = out
    }

    /// A fresh random reference from the system's secure generator.
    public static func random() throws -> PersonRef {
        PersonRef(bytes: try SecureRandom.bytes(size))!
    }

    /// A fresh reference made at `milliseconds` (Unix time): `TimeOrderedBytes`, 4 bytes of
    /// time and 4 random bytes, so that the references of a burst of registrations share the
    /// last pages of the indexes keyed by reference (person, declarations). Not unique by
    /// construction: the caller checks that it is unused.
    public static func timeOrdered(milliseconds: Int64) throws -> PersonRef {
        PersonRef(bytes: try TimeOrderedBytes.make(milliseconds: milliseconds, random: size - TimeOrderedBytes.timeBytes))!
    }

    /// 16 lower-case hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
