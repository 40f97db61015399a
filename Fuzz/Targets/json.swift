import Foundation
import GridPassCore

/// JSON parser: never crashes; what it accepts, Foundation's JSONSerialization accepts too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if (try? JSONParser.parse(bytes: bytes)) != nil {
        require((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil,
                "GridPass accepted JSON that JSONSerialization refuses: \(bytes)")
    }
    return 0
}
