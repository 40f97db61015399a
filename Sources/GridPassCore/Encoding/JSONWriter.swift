/// Writes plain values (dictionaries, arrays, strings, integers, doubles, booleans; anything else,
/// such as `NSNull`, as null) as compact JSON with sorted keys: the answers of the JSON API and
/// the reasons stored with a person. It replaces `JSONSerialization`, which dominated the
/// profiles of scans and registrations.
public enum JSONWriter {
    public static func data(_ value: Any) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let s as String: writeString(s, into: &out)
        case let b as Bool: out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case let i as Int: out.append(contentsOf: String(i).utf8)
        case let i as Int64: out.append(contentsOf: String(i).utf8)
        case let i as UInt32: out.append(contentsOf: String(i).utf8)
        case let d as Double:
            if d.isFinite { out.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)).utf8) }
            else { out.append(contentsOf: "null".utf8) }
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (n, key) in object.keys.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (n, item) in array.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            out.append(contentsOf: "null".utf8)  // NSNull, nil
        }
    }

    /// Appends `json`, already JSON (punctuation and keys of a fixed answer), as it is.
    public static func writeRaw(_ json: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: json.utf8Start, count: json.utf8CodeUnitCount))
    }

    /// Appends the instant as a JSON string, `"2026-11-27T09:30:00Z"` (`UTCTimestamp`: nothing to escape).
    public static func writeTimestamp(_ unixSeconds: Int64, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        UTCTimestamp.append(unixSeconds, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole.
            var start = 0
            for i in bytes.indices {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x3C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x3C: out.append(contentsOf: Array("\\u003c".utf8))  // '<': safe to embed in HTML
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
