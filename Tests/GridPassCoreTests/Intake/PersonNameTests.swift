import Testing
@testable import GridPassCore

@Suite("Names and departments")
struct PersonNameTests {
    func name(_ text: String) -> Result<String, FieldError> { PersonName.parse(text) }

    @Test(arguments: [
        ("张三", "张三"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("John Smith", "John Smith"),
        ("  王小明  ", "王小明"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),     // katakana middle dot
        ("阿依古丽•买买提", "阿依古丽·买买提"),      // bullet
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),    // spaces around the dot
        ("John   Smith", "John Smith"),             // a run of spaces
        ("John\u{3000}Smith", "John Smith"),        // ideographic space
        ("Ｊｏｈｎ", "John"),                        // full-width letters
        ("José Müller", "José Müller"),
        ("Jose\u{301}", "Jose\u{301}"),             // combining accent
        ("Иван Петров", "Иван Петров"),
        ("김민수", "김민수"),
        ("李", "李"),
    ])
    func accepts(typed: String, expected: String) throws {
        #expect(try name(typed).get() == expected)
    }

    @Test func rejectsMarkup() throws {
        for typed in ["<b>x</b>", "Tom & Jerry", "O'Brien", "张\"三\""] {
            let error = try #require(IntakeFixtures.error(name(typed)), "\(typed)")
            #expect(error.code == .format)
            #expect(error.message.contains("<"))
        }
    }

    @Test func rejectsControlAndInvisibleCharacters() throws {
        for typed in ["张\u{0007}三", "张\t三", "张\u{200B}三", "abc\u{202E}def", "张\u{2028}三"] {
            let error = try #require(IntakeFixtures.error(name(typed)))
            #expect(error.code == .format)
            #expect(error.message.contains("control"))
        }
    }

    @Test func rejectsDigitsAndOtherCharacters() {
        #expect(IntakeFixtures.error(name("张三1"))?.message.contains("digits") == true)
        #expect(IntakeFixtures.error(name("张三３"))?.message.contains("digits") == true)
        #expect(IntakeFixtures.error(name("张-三"))?.code == .format)
        #expect(IntakeFixtures.error(name("张三!"))?.code == .format)
        #expect(IntakeFixtures.error(name("😀"))?.code == .format)
    }

    @Test func rejectsMisplacedDots() {
        for typed in ["·张三", "张三·", "张··三", "张· ·三"] {
            #expect(IntakeFixtures.error(name(typed))?.code == .format, "\(typed)")
        }
    }

    @Test func limitsTheLength() throws {
        let thirty = String(repeating: "张", count: 30)
        #expect(try name(thirty).get() == thirty)
        let error = try #require(IntakeFixtures.error(name(thirty + "张")))
        #expect(error.code == .tooLong)
        #expect(error.message.contains("31"))
    }

    @Test func blankIsRequired() {
        #expect(IntakeFixtures.error(name(" \u{3000} "))?.code == .required)
    }

    @Test func departmentsAllowDigitsAndFortyCharacters() throws {
        #expect(try Department.parse("生产部 2车间").get() == "生产部 2车间")
        #expect(try Department.parse(String(repeating: "a", count: 40)).get().count == 40)
        #expect(IntakeFixtures.error(Department.parse(String(repeating: "a", count: 41)))?.code == .tooLong)
        #expect(IntakeFixtures.error(Department.parse("<script>"))?.code == .format)
        #expect(IntakeFixtures.error(Department.parse("R&D"))?.code == .format)
    }
}
