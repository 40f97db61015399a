import GridPassCore

/// Form bodies (application/x-www-form-urlencoded) and multipart/form-data: never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = FormBody.fields(String(decoding: bytes, as: UTF8.self))
    if let parts = Multipart.parse(bytes, boundary: "XyZ") {
        for part in parts { require(!part.name.isEmpty, "a part without a name was accepted") }
    }
    return 0
}
