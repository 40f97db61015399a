import GridPassCore

/// GP1 health codes: arbitrary text never crashes verification; a valid payload with any one
/// byte changed is refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = HealthCode.verify(String(decoding: bytes, as: UTF8.self), keys: FuzzKeys.ring, now: FuzzKeys.now)
    guard bytes.count >= 11, let key = FuzzKeys.ring.current(.healthCodes), let person = PersonRef(bytes: bytes[0..<8]) else { return 0 }
    let payload = try! HealthCode.sign(person: person, color: .green, statusVersion: UInt32(bytes[8]), issuedAt: FuzzKeys.now - 60,
                                      expiresAt: FuzzKeys.now + 3600, with: key)
    guard case .success = HealthCode.verify(payload, keys: FuzzKeys.ring, now: FuzzKeys.now) else { fatalError("a signed code is refused") }
    var changed = Array(payload.utf8)
    let at = Int(bytes[9]) % changed.count
    changed[at] = bytes[10] == changed[at] ? changed[at] ^ 1 : bytes[10]
    if case .success = HealthCode.verify(String(decoding: changed, as: UTF8.self), keys: FuzzKeys.ring, now: FuzzKeys.now) {
        fatalError("a code with byte \(at) changed is accepted: \(payload) → \(String(decoding: changed, as: UTF8.self))")
    }
    return 0
}
