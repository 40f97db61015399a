import GridPassCrypto

/// The signed token printed on a poster (CONTRACT §3), 20 bytes as 32 base32 characters:
///
///     version(1) kind(1) placeID(4) serial(2) keyID(2) | HMAC-SHA256(first 10 bytes)[0..<10]
///
/// The 80-bit tag is computed with a `poster-tokens` key of the key ring.
public struct PosterToken: Sendable, Equatable {
    public static let version: UInt8 = 1
    public static let tagSize = 10
    static let bodySize = 10
    public static let textLength = 32

    public let kind: PlaceKind
    public let placeID: UInt32
    public let serial: UInt16
    public let keyID: UInt16

    public init(kind: PlaceKind, placeID: UInt32, serial: UInt16, keyID: UInt16) {
        self.kind = kind
        self.placeID = placeID
        self.serial = serial
        self.keyID = keyID
    }

    public enum Failure: Error, Equatable {
        /// Not base32 of the right length, or an unknown version or kind.
        case malformed
        /// The key id is not a poster key of this ring.
        case unknownKey
        case badSignature
    }

    var body: [UInt8] {
        var w = ByteWriter()
        w.u8(Self.version)
        w.u8(kind.wireValue)
        w.u32(placeID)
        w.u16(serial)
        w.u16(keyID)
        return w.bytes
    }

    /// Signs the token with `key` (which must be a poster key) and returns its text form.
    public static func sign(kind: PlaceKind, placeID: UInt32, serial: UInt16, with key: RingKey) throws -> String {
        precondition(key.purpose == .posterTokens, "poster tokens are signed with poster keys only")
        let token = PosterToken(kind: kind, placeID: placeID, serial: serial, keyID: key.id)
        let body = token.body
        let tag = try key.mac.mac(body).prefix(tagSize)
        return Base32.encode(body + tag)
    }

    /// Decodes and authenticates a token. Only the exact text that `sign` produces is accepted
    /// (upper case, canonical base32): any other text is malformed or fails the signature.
    public static func verify(_ text: some StringProtocol, keys: KeySet) -> Result<PosterToken, Failure> {
        guard text.utf8.count == textLength, let bytes = Base32.decode(text) else { return .failure(.malformed) }
        var r = ByteReader(bytes)
        guard r.u8() == version,
              let kind = r.u8().flatMap(PlaceKind.init(wireValue:)),
              let placeID = r.u32(), let serial = r.u16(), let keyID = r.u16(),
              let tag = r.raw(tagSize), r.remaining == 0
        else { return .failure(.malformed) }
        guard let key = keys.key(id: keyID, purpose: .posterTokens) else { return .failure(.unknownKey) }
        guard key.mac.verify(tag, for: Array(bytes[0..<bodySize])) else { return .failure(.badSignature) }
        return .success(PosterToken(kind: kind, placeID: placeID, serial: serial, keyID: keyID))
    }
}

/// The poster's URL as printed: upper-cased so that the QR code uses alphanumeric mode.
public enum PosterURL {
    public static func make(publicURL: String, token: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return (base + "/r/" + token).uppercased()
    }
}
