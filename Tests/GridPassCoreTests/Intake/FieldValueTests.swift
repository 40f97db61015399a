import Foundation
import Testing
@testable import GridPassCore

@Suite("Raw field values")
struct FieldValueTests {
    @Test func decodesEveryJSONType() throws {
        let json = #"{"s":"张三","n":36.5,"i":12,"t":true,"f":false,"z":null,"a":["x",1],"o":{"k":[]}}"#
        let fields = try JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8))
        #expect(fields["s"] == .string("张三"))
        #expect(fields["n"] == .number(36.5))
        #expect(fields["i"] == .number(12))
        #expect(fields["t"] == .bool(true))
        #expect(fields["f"] == .bool(false))
        #expect(fields["z"] == .null)
        #expect(fields["a"] == .array([.string("x"), .number(1)]))
        #expect(fields["o"] == .object(["k": .array([])]))
    }

    @Test func numbersAreNotBooleans() throws {
        let fields = try JSONDecoder().decode([String: FieldValue].self, from: Data(#"{"one":1,"zero":0}"#.utf8))
        #expect(fields["one"] == .number(1))
        #expect(fields["zero"] == .number(0))
    }

    @Test func formFieldsGroupRepeatedNames() {
        let fields = FieldValue.formFields([(name: "name", value: "张三"), (name: "symptoms", value: "fever"),
                                            (name: "symptoms[]", value: "cough"), (name: "visited", value: "")])
        #expect(fields == ["name": .string("张三"), "symptoms": .array([.string("fever"), .string("cough")]), "visited": .string("")])
    }

    @Test func decodesURLEncodedBodies() {
        let fields = FormBody.fields("name=%E5%BC%A0%E4%B8%89&phone=%2B86+138&symptoms=fever&symptoms=cough&consent&bad=%ZZ%4")
        #expect(fields["name"] == .string("张三"))
        #expect(fields["phone"] == .string("+86 138"))
        #expect(fields["symptoms"] == .array([.string("fever"), .string("cough")]))
        #expect(fields["consent"] == .string(""))
        #expect(fields["bad"] == .string("%ZZ%4"))
        #expect(FormBody.pairs("a=1&&b=%3D=").map { "\($0.name)|\($0.value)" } == ["a|1", "b|=="])
    }

    @Test func fieldErrorsEncodeTheChineseMessageUnderItsOwnKey() throws {
        let errors = FieldErrors([FieldError(field: "phone", code: .format, message: "Bad.", messageZH: "错误。")])
        let data = try JSONEncoder().encode(errors)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try #require((object["errors"] as? [[String: String]])?.first)
        #expect(first == ["field": "phone", "code": "format", "message": "Bad.", "message_zh": "错误。"])
        #expect(try JSONDecoder().decode(FieldErrors.self, from: data) == errors)
    }
}
