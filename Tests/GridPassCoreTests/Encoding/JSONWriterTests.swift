import Testing
@testable import GridPassCore

@Suite("JSON writer: strings")
struct JSONWriterTests {
    func written(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func plainTextIsCopiedWhole() {
        #expect(written("") == #""""#)
        #expect(written("GP1:ABCDEF-234567") == #""GP1:ABCDEF-234567""#)
        #expect(written("张*华 平山区 😀") == #""张*华 平山区 😀""#)
    }

    @Test func escapesAtTheStartInTheMiddleAndAtTheEnd() {
        #expect(written("\"a") == #""\"a""#)
        #expect(written("a\\b") == #""a\\b""#)
        #expect(written("a\n") == #""a\n""#)
        #expect(written("\r\t") == #""\r\t""#)
        #expect(written("<script>") == #""\u003cscript>""#)
        #expect(written("x\u{1}y\u{1F}") == #""x\u0001y\u001f""#)
        #expect(written("名\"字\"") == #""名\"字\"""#)
    }

    @Test func whatIsWrittenParsesBackToTheSameString() throws {
        for s in ["", "plain", "\"\\\n\r\t\u{0}\u{7F}<>&'", "张三·李四 😀", String(repeating: "a\"", count: 100)] {
            guard case .string(let back) = try JSONParser.parse(written(s)) else {
                Issue.record("not a string: \(s)")
                continue
            }
            #expect(back == s)
        }
    }
}
