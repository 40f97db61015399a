/// `application/x-www-form-urlencoded` bodies, decoded without Foundation: `&`-separated
/// `name=value` pairs, `+` for a space, `%XX` escapes of UTF-8 bytes (an escape that is not two
/// hex digits is kept as typed; bytes that are not UTF-8 become U+FFFD).
public enum FormBody {
    /// The pairs in body order; empty parts (`a=1&&b=2`) are skipped.
    public static func pairs(_ body: some StringProtocol) -> [(name: String, value: String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (decode(part[..<eq]), decode(part[part.index(after: eq)...]))
            }
            return (decode(part), "")
        }
    }

    /// The fields of a form body, ready for the validators (see `FieldValue.formFields`).
    public static func fields(_ body: some StringProtocol) -> [String: FieldValue] {
        FieldValue.formFields(pairs(body))
    }

    static func decode(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.count,
                      let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
