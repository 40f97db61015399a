import GridPassCore

/// Base32: decode(encode(x)) == x; decoding anything never crashes, and what decodes re-encodes
/// to the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase32(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = Base32.encode(bytes)
    require(Base32.decode(text) == bytes, "decode(encode(x)) != x for \(bytes)")
    let arbitrary = String(decoding: bytes, as: UTF8.self)
    if let decoded = Base32.decode(arbitrary) {
        require(Base32.encode(decoded) == arbitrary, "\(arbitrary) decodes but does not re-encode to itself")
    }
    return 0
}
