import GridPassCore

/// Poster tokens: arbitrary text never crashes verification; a valid token with any one byte
/// changed is refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPoster(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = PosterToken.verify(String(decoding: bytes, as: UTF8.self), keys: FuzzKeys.ring)
    guard bytes.count >= 6, let key = FuzzKeys.ring.current(.posterTokens) else { return 0 }
    let placeID = UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    let token = try! PosterToken.sign(kind: .unit, placeID: placeID, serial: UInt16(bytes[3]), with: key)
    guard case .success = PosterToken.verify(token, keys: FuzzKeys.ring) else { fatalError("a signed token is refused: \(token)") }
    var changed = Array(token.utf8)
    let at = Int(bytes[4]) % changed.count
    changed[at] = bytes[5] == changed[at] ? changed[at] ^ 1 : bytes[5]
    if case .success = PosterToken.verify(String(decoding: changed, as: UTF8.self), keys: FuzzKeys.ring) {
        fatalError("a token with byte \(at) changed is accepted: \(token) → \(String(decoding: changed, as: UTF8.self))")
    }
    return 0
}
