import GridPassCore

/// The CSV place import: never crashes; every row it accepts has a valid code and a known kind.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let rows = try? PlaceImport.validate(csv: text, existing: ["PS": .district, "DJ": .community]) {
        for row in rows { require(PlaceImport.isValidCode(row.code), "accepted an invalid code \(row.code)") }
    }
    _ = try? Rooms.expand(text)
    return 0
}
