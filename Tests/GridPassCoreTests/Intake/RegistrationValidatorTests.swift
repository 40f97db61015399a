import Foundation
import Testing
@testable import GridPassCore

@Suite("Registration and daily report validation")
struct RegistrationValidatorTests {
    let regions = IntakeFixtures.regions
    let rooms = ["101", "102", "201"]

    var residentJSON: [String: FieldValue] {
        [
            "token": .string("ABCDEF"),
            "name": .string(" 张三 "),
            "id_number": .string("11010519491231002x"),
            "phone": .string("+86 138-0013-8000"),
            "room": .string("102"),
            "temperature": .number(36.6),
            "symptoms": .array([.string("cough")]),
            "visited": .array([.string("110105"), .string("310101")]),
            "contact": .string("none"),
            "consent": .bool(true),
        ]
    }

    func validate(_ fields: [String: FieldValue], kind: PersonKind = .resident, rooms: [String]? = nil,
                  source: InputSource = .json) -> Result<ValidRegistration, FieldErrors> {
        RegistrationValidator.validate(fields, kind: kind, rooms: rooms ?? self.rooms, regions: regions,
                                       source: source, today: IntakeFixtures.today)
    }

    func errors(_ result: Result<ValidRegistration, FieldErrors>) -> FieldErrors? {
        if case .failure(let e) = result { return e }
        return nil
    }

    // MARK: - Valid

    @Test func acceptsAResidentFromJSONAndNormalises() throws {
        let r = try validate(residentJSON).get()
        #expect(r.kind == .resident)
        #expect(r.name == "张三")
        #expect(r.idNumber == "11010519491231002X")
        #expect(r.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(r.provinceCode == "11")
        #expect(r.phone == "13800138000")
        #expect(r.room == "102")
        #expect(r.department == nil)
        #expect(r.temperature == 36.6)
        #expect(r.symptoms == [.cough])
        #expect(r.visited == ["110105", "310101"])
        #expect(r.contact == .none)
    }

    @Test func acceptsAResidentFromAForm() throws {
        let body = "_csrf=abc&name=%E9%98%BF%E4%BE%9D%E5%8F%A4%E4%B8%BD%E3%83%BB%E4%B9%B0%E4%B9%B0%E6%8F%90"
            + "&id_number=440306199003071232&phone=13800138000&room=201&temperature=37%2C4"
            + "&symptoms=fever&symptoms=fatigue&visited=110105%E3%80%81310101+420106&contact=close&consent=on"
        let r = try validate(FormBody.fields(body), source: .form).get()
        #expect(r.name == "阿依古丽·买买提")
        #expect(r.room == "201")
        #expect(r.temperature == 37.4)
        #expect(r.symptoms == [.fever, .fatigue])
        #expect(r.visited == ["110105", "310101", "420106"])
        #expect(r.contact == .close)
    }

    @Test func optionalListsMayBeMissingOrBlank() throws {
        var fields = residentJSON
        fields["symptoms"] = nil
        fields["visited"] = .null
        let r = try validate(fields).get()
        #expect(r.symptoms.isEmpty)
        #expect(r.visited.isEmpty)
        let form: [String: FieldValue] = [
            "name": .string("John Smith"), "id_number": .string("11010519491231002X"), "phone": .string("13800138000"),
            "room": .string("101"), "temperature": .string("36.5"), "symptoms": .string(""), "visited": .string(" "),
            "contact": .string("none"), "consent": .string("yes"),
        ]
        let f = try validate(form, source: .form).get()
        #expect(f.symptoms.isEmpty && f.visited.isEmpty)
    }

    @Test func acceptsAWorkerWithOrWithoutADepartment() throws {
        var fields = residentJSON
        fields["room"] = nil
        #expect(try validate(fields, kind: .worker).get().department == nil)
        fields["department"] = .string("  生产部 ")
        let w = try validate(fields, kind: .worker).get()
        #expect(w.department == "生产部")
        #expect(w.room == nil)
        fields["department"] = .string("")
        #expect(try validate(fields, kind: .worker).get().department == nil)
    }

    @Test func unitsWithoutARoomListTakeAnyShortRoom() throws {
        var fields = residentJSON
        fields["room"] = .string("b-1201")
        #expect(try validate(fields, rooms: []).get().room == "B-1201")
        #expect(errors(validate(fields))?["room"]?.code == .notInList)
    }

    // MARK: - Invalid

    @Test func namesEveryBadFieldInFormOrder() throws {
        let fields: [String: FieldValue] = [
            "zeta": .string("?"),
            "name": .string("<b>x</b>"),
            "id_number": .string("110105194912310021"),
            "phone": .string("12800138000"),
            "room": .string("999"),
            "temperature": .string("36.5"),
            "symptoms": .array([.string("headache")]),
            "visited": .array([.string("123456")]),
            "contact": .string("sometimes"),
            "consent": .bool(false),
            "alpha": .number(1),
        ]
        let e = try #require(errors(validate(fields)))
        #expect(e.fields == ["name", "id_number", "phone", "room", "temperature", "symptoms", "visited", "contact", "consent", "alpha", "zeta"])
        #expect(e.errors.map(\.code) == [.format, .checkDigit, .format, .notInList, .invalidType, .unknownValue,
                                         .unknownValue, .unknownValue, .consentRequired, .unknownField, .unknownField])
        #expect(e.errors.allSatisfy { !$0.message.isEmpty && !$0.messageZH.isEmpty })
    }

    @Test func missingFieldsAreRequired() throws {
        let e = try #require(errors(validate([:])))
        #expect(e.fields == ["name", "id_number", "phone", "room", "temperature", "contact", "consent"])
        #expect(e.errors.map(\.code) == [.required, .required, .required, .required, .required, .required, .consentRequired])
    }

    @Test func wrongJSONTypesAreInvalidType() throws {
        let fields: [String: FieldValue] = [
            "name": .number(1), "id_number": .array([]), "phone": .number(13800138000), "room": .number(101),
            "temperature": .string("36.5"), "symptoms": .string("fever"), "visited": .array([.number(110105)]),
            "contact": .bool(false), "consent": .string("true"),
        ]
        let e = try #require(errors(validate(fields)))
        #expect(e.errors.count == 9)
        #expect(e.errors.allSatisfy { $0.code == .invalidType })
    }

    @Test func repeatedFormFieldsForSingleValuesAreInvalidType() throws {
        var fields = FormBody.fields("name=A&name=B&id_number=11010519491231002X&phone=13800138000&room=101&temperature=36.5&contact=none&consent=on")
        #expect(errors(validate(fields, source: .form))?.fields == ["name"])
        fields["name"] = .string("A")
        #expect(errors(validate(fields, source: .form)) == nil)
    }

    @Test func eachKindRejectsTheOtherKindsField() throws {
        var resident = residentJSON
        resident["department"] = .string("生产部")
        #expect(errors(validate(resident))?.errors.map { "\($0.field):\($0.code.rawValue)" } == ["department:unknown_field"])
        var worker = residentJSON
        worker["room"] = .string("101")
        #expect(errors(validate(worker, kind: .worker))?.errors.map { "\($0.field):\($0.code.rawValue)" } == ["room:unknown_field"])
    }

    @Test func ignoredFieldsDependOnTheSource() throws {
        var fields = residentJSON
        fields["_csrf"] = .string("x")
        #expect(errors(validate(fields))?.fields == ["_csrf"])
        var form: [String: FieldValue] = [
            "name": .string("张三"), "id_number": .string("11010519491231002X"), "phone": .string("13800138000"),
            "room": .string("101"), "temperature": .string("36.5"), "contact": .string("none"), "consent": .string("on"),
            "_csrf": .string("x"),
        ]
        #expect(errors(validate(form, source: .form)) == nil)
        form["token"] = .string("ABC")
        #expect(errors(validate(form, source: .form))?.fields == ["token"])
    }

    @Test func jsonConsentMustBeTrue() throws {
        var fields = residentJSON
        fields["consent"] = nil
        #expect(errors(validate(fields))?["consent"]?.code == .consentRequired)
    }

    @Test func decodesAJSONBodyEndToEnd() throws {
        let json = #"""
            {"token":"T","name":"John Smith","id_number":"１１０１０５１９４９１２３１００２Ｘ","phone":"0086 13800138000",
             "room":"101","temperature":43,"symptoms":[],"visited":["420106"],"contact":"secondary","consent":true}
            """#
        let fields = try JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8))
        let r = try validate(fields).get()
        #expect(r.idNumber == "11010519491231002X")
        #expect(r.phone == "13800138000")
        #expect(r.temperature == 43)
        #expect(r.contact == .secondary)
    }

    // MARK: - Daily report

    @Test func dailyReportsShareTheHealthRules() throws {
        let ok = try HealthDeclaration.validate(["temperature": .number(37.5), "contact": .string("none"),
                                                 "symptoms": .array([.string("fever")])],
                                                regions: regions, source: .json).get()
        #expect(ok == HealthDeclaration(temperature: 37.5, symptoms: [.fever], visited: [], contact: .none))
        let form = try HealthDeclaration.validate(FormBody.fields("temperature=36,9&visited=110105,220104&contact=none&_csrf=z"),
                                                  regions: regions, source: .form).get()
        #expect(form.visited == ["110105", "220104"])
        let bad = HealthDeclaration.validate(["temperature": .number(50), "symptoms": .array([.string("x")]),
                                              "visited": .array([.string("999999")]), "name": .string("张三")],
                                             regions: regions, source: .json)
        guard case .failure(let e) = bad else { Issue.record("expected errors"); return }
        #expect(e.fields == ["temperature", "symptoms", "visited", "contact", "name"])
        #expect(e.errors.map(\.code) == [.range, .unknownValue, .unknownValue, .required, .unknownField])
    }
}
