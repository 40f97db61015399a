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
        var r = ByteReader(bytes)
        guard r.u8() == version,
              let person = r.raw(PersonRef.size).flatMap({ PersonRef(bytes: $0) }),
              let color = r.u8().flatMap(HealthColor.init(wireValue:)),
              let statusVersion = r.u32(),
              let issuedAt = r.u64(), issuedAt <= UInt64(Int64.max),
              let expiresAt = r.u64(), expiresAt <= UInt64(Int64.max),
              let keyID = r.u16(),
              let tag = r.raw(HealthCode.tagSize), r.remaining == 0
        else { return nil }
        let payload = HealthCodePayload(person: person, color: color, statusVersion: statusVersion,
                                        issuedAt: Int64(issuedAt), expiresAt: Int64(expiresAt), keyID: keyID)
        return (payload, tag)
    }
}
