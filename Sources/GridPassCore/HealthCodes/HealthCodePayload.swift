/// What a GP1 health code says, once decoded and authenticated (CONTRACT §5). It holds no name,
/// identity number or phone: only the opaque person reference.
///
/// Wire layout, 48 bytes, big-endian:
///
///     version(1) person(8) colour(1) statusVersion(4) issuedAt(8) expiresAt(8) keyID(2)
///     | HMAC-SHA256(the 32 bytes before)[0..<16]
///
/// Text form: `GP1:` + upper-case base32 without padding, 4 + 77 = 81 characters (the last
/// base32 character carries four data bits and one zero bit, which `Base32.decode` checks).
public struct HealthCodePayload: Sendable, Equatable {
    public static let version: UInt8 = 1

    public let person: PersonRef
    public let color: HealthColor
    /// Bumped by the store on every colour change; an older code then counts as superseded.
    public let statusVersion: UInt32
    /// Unix seconds.
    public let issuedAt: Int64
    /// Unix seconds; the code is expired from this instant on.
    public let expiresAt: Int64
    /// The id of the `health-codes` key of the ring that signed the code.
    public let keyID: UInt16

    public init(person: PersonRef, color: HealthColor, statusVersion: UInt32,
                issuedAt: Int64, expiresAt: Int64, keyID: UInt16) {
        self.person = person
        self.color = color
        self.statusVersion = statusVersion
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.keyID = keyID
    }

    /// The signed part: every byte before the tag.
    var body: [UInt8] {
        var w = ByteWriter()
        w.u8(Self.version)
        w.raw(person.bytes)
        w.u8(color.wireValue)
        w.u32(statusVersion)
        w.u64(UInt64(issuedAt))
        w.u64(UInt64(expiresAt))
        w.u16(keyID)
        return w.bytes
    }

    /// Reads a body and its tag; nil for anything `body` would not produce.
    static func parse(_ bytes: [UInt8]) -> (payload: HealthCodePayload, tag: [UInt8])? {
        guard let payload = parseBody(bytes) else { return nil }
        return (payload, Array(bytes[HealthCode.bodySize...]))
    }

    /// The fields of a decoded code whose last `tagSize` bytes are the tag (not copied).
    static func parseBody(_ bytes: [UInt8]) -> HealthCodePayload? {
        bytes.withUnsafeBufferPointer(parseBody)
    }

    static func parseBody(_ b: UnsafeBufferPointer<UInt8>) -> HealthCodePayload? {
        guard b.count == HealthCode.bodySize + HealthCode.tagSize, b[0] == version,
              let person = PersonRef(bytes: b[1..<9]),
              let color = HealthColor(wireValue: b[9])
        else { return nil }
        func int(_ range: Range<Int>) -> UInt64 { b[range].reduce(0) { $0 << 8 | UInt64($1) } }
        let issuedAt = int(14..<22), expiresAt = int(22..<30)
        guard issuedAt <= UInt64(Int64.max), expiresAt <= UInt64(Int64.max) else { return nil }
        return HealthCodePayload(person: person, color: color, statusVersion: UInt32(int(10..<14)),
                                 issuedAt: Int64(issuedAt), expiresAt: Int64(expiresAt), keyID: UInt16(int(30..<32)))
    }
}
