import Testing
@testable import GridPassCore

@Suite("JSON parser")
struct JSONParserTests {
    func string(_ json: String) throws -> String {
        guard case .string(let s) = try JSONParser.parse(json) else { throw JSONParseError("not a string") }
        return s
    }

    func message(_ json: [UInt8]) -> String? {
        do {
            _ = try JSONParser.parse(bytes: json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func plainStringsComeOutAsTyped() throws {
        #expect(try string(#""""#) == "")
        #expect(try string(#""张三丰""#) == "张三丰")
        #expect(try string(#""a b 😀 c""#) == "a b 😀 c")
    }

    @Test func escapesAnywhereInAString() throws {
        #expect(try string(#""\"""#) == "\"")
        #expect(try string(#""张\n三""#) == "张\n三")
        #expect(try string(#""abc\\""#) == "abc\\")
        #expect(try string(#""a\/b\bc\fd\re\tf""#) == "a/b\u{8}c\u{C}d\re\tf")
        #expect(try string(#""x\u5f20y""#) == "x张y")
        #expect(try string(#""\ud83d\ude00 ok""#) == "😀 ok")
    }

    @Test func objectsKeepKeyOrderAndLiterals() throws {
        guard case .object(let members) = try JSONParser.parse(#" { "b": true, "a": [false, null, 1, -2.5e1], "c": {} } "#) else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "c"])
        guard case .bool(true) = members[0].value, case .array(let items) = members[1].value, items.count == 4,
              case .bool(false) = items[0], case .null = items[1], case .number(1, isInteger: true) = items[2],
              case .number(-25, isInteger: false) = items[3] else {
            Issue.record("wrong values: \(members)")
            return
        }
    }

    @Test func refusesWhatIsNotJSON() {
        #expect(message(Array(#"{"a": 1, "a": 2}"#.utf8))?.contains("duplicate key \"a\"") == true)
        #expect(message(Array("\"a\u{1}b\"".utf8))?.contains("control character") == true)
        #expect(message(Array(#""abc"#.utf8))?.contains("unterminated string") == true)
        #expect(message(Array(#""a\qb""#.utf8))?.contains("unknown escape") == true)
        #expect(message(Array(#""\ud83d x""#.utf8))?.contains("unpaired surrogate") == true)
        #expect(message([0x22, 0x61, 0xFF, 0x22])?.contains("not valid UTF-8") == true)
        #expect(message(Array("tru".utf8))?.contains("unexpected character") == true)
        #expect(message(Array("nul".utf8)) != nil)
        #expect(message(Array("[1] x".utf8))?.contains("after the end") == true)
    }

    @Test func errorsGiveLineAndColumn() {
        #expect(message(Array("{\n  \"a\": tx\n}".utf8)) == "invalid JSON at line 2, column 8: unexpected character")
        #expect(message(Array("{\"名字\": \"a\u{1}\"}".utf8))?.hasPrefix("invalid JSON at line 1, column 11:") == true)
    }
}
