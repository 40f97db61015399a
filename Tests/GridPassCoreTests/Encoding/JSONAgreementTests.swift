import Foundation
import GridPassCore
import Testing

/// The JSON parser against Foundation's JSONSerialization on generated documents: both accept
/// the same ones and read the same values; mutated documents are accepted or refused by both.
@Suite("JSON parser agrees with JSONSerialization")
struct JSONAgreementTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        mutating func string() -> String {
            let pieces = ["a", "张", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", " ", "0", "/", "\\/", "\\t", "é"]
            return "\"" + (0..<int(6)).map { _ in pieces[int(pieces.count)] }.joined() + "\""
        }

        mutating func number() -> String {
            ["0", "-0", "12", "-7", "3.25", "1e3", "-2.5E-2", "123456789", "0.1", "1E+2"][int(10)]
        }

        mutating func value(depth: Int) -> String {
            switch int(depth > 3 ? 5 : 7) {
            case 0: return string()
            case 1: return number()
            case 2: return ["true", "false"][int(2)]
            case 3: return "null"
            case 4: return string()
            case 5: return "[" + (0..<int(4)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
            default:
                var seen = Set<String>()
                let members = (0..<int(4)).compactMap { _ -> String? in
                    let key = string()
                    guard seen.insert(key).inserted else { return nil }
                    return key + ":" + value(depth: depth + 1)
                }
                return "{" + members.joined(separator: ",") + "}"
            }
        }

        mutating func mutate(_ text: String) -> String {
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { return text }
            let at = int(bytes.count)
            switch int(3) {
            case 0: bytes.remove(at: at)
            case 1: let set = Array("{}[],:\"\\ 0e-".utf8); bytes.insert(set[int(set.count)], at: at)
            default: let set = Array("{}[],:\"\\ 0e-x".utf8); bytes[at] = set[int(set.count)]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Our value in Foundation's terms, for comparison.
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let b): return (theirs as? Bool) == b
        case .number(let d, _): return (theirs as? NSNumber).map { abs($0.doubleValue - d) <= abs(d) * 1e-12 } ?? false
        case .string(let s): return (theirs as? String) == s
        case .array(let items):
            guard let other = theirs as? [Any], other.count == items.count else { return false }
            return zip(items, other).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let other = theirs as? [String: Any], other.count == members.count else { return false }
            return members.allSatisfy { m in other[m.key].map { same(m.value, $0) } ?? false }
        }
    }

    @Test("3 000 generated documents and 3 000 mutations of them")
    func agreement() throws {
        var g = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var checked = 0, refusedByBoth = 0
        for i in 0..<6000 {
            var text = g.value(depth: 0)
            if i % 2 == 1 { text = g.mutate(text) }
            let ours = try? JSONParser.parse(bytes: Array(text.utf8))
            let theirs = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            // swift-corelibs-foundation accepts a trailing comma (`[1,]`, `{"a":1,}`), which RFC 8259
            // does not: there GridPass refusing is right. Anywhere else the two must agree.
            let trailingComma = text.replacingOccurrences(of: " ", with: "").contains(",}") || text.replacingOccurrences(of: " ", with: "").contains(",]")
            if !(ours == nil && theirs != nil && trailingComma) {
                #expect((ours == nil) == (theirs == nil), "accept/reject differ on \(text)")
            }
            if let ours, let theirs { #expect(Self.same(ours, theirs), "values differ on \(text)") } else if ours == nil { refusedByBoth += 1 }
            checked += 1
        }
        #expect(checked == 6000 && refusedByBoth > 100, "mutations do produce invalid documents")
    }
}
