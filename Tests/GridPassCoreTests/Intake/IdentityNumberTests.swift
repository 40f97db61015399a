import Testing
@testable import GridPassCore

@Suite("Identity card numbers")
struct IdentityNumberTests {
    let today = IntakeFixtures.today

    func code(_ text: String) -> FieldError.Code? {
        IntakeFixtures.error(IdentityNumber.parse(text, today: today))?.code
    }

    @Test func acceptsTheStandardExample() throws {
        let id = try IdentityNumber.parse("11010519491231002X", today: today).get()
        #expect(id.value == "11010519491231002X")
        #expect(id.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(id.provinceCode == "11")
        #expect(id.provinceName == "北京市")
    }

    @Test func acceptsOtherValidNumbers() throws {
        #expect(try IdentityNumber.parse("440306199003071232", today: today).get().provinceName == "广东省")
        #expect(try IdentityNumber.parse("650102198508150014", today: today).get().birthDate.description == "1985-08-15")
        #expect(try IdentityNumber.parse("710000198001010010", today: today).get().provinceCode == "71")
    }

    @Test func computesTheCheckCharacter() {
        #expect(IdentityNumber.checkCharacter(of: "11010519491231002") == "X")
        #expect(IdentityNumber.checkCharacter(of: "44030619900307123") == "2")
        #expect(IdentityNumber.checkCharacter(of: "1101051949123100") == nil)
        #expect(IdentityNumber.checkCharacter(of: "1101051949123100A") == nil)
    }

    @Test func rejectsAWrongCheckDigit() {
        #expect(code("110105194912310021") == .checkDigit)
        // Every other check character fails too.
        for c in "0123456789" { #expect(code("11010519491231002" + String(c)) == .checkDigit) }
    }

    @Test func acceptsLowerCaseXAndNormalisesIt() throws {
        #expect(try IdentityNumber.parse("11010519491231002x", today: today).get().value == "11010519491231002X")
    }

    @Test func normalisesFullWidthCharactersAndSpaces() throws {
        let typed = "１１０１０５　１９４９１２３１ ００２Ｘ"
        #expect(IdentityNumber.normalize(typed) == "11010519491231002X")
        #expect(try IdentityNumber.parse(typed, today: today).get().value == "11010519491231002X")
        #expect(try IdentityNumber.parse(" 110105 19491231 002ｘ ", today: today).get().value == "11010519491231002X")
    }

    @Test func rejectsFifteenDigitNumbersWithTheirOwnMessage() throws {
        let error = try #require(IntakeFixtures.error(IdentityNumber.parse("110105491231002", today: today)))
        #expect(error.code == .format)
        #expect(error.message.contains("15-digit"))
        #expect(error.messageZH.contains("15位"))
    }

    @Test func rejectsWrongLengthsAndCharacters() {
        #expect(code("1101051949123100") == .format)
        #expect(code("11010519491231002X1") == .format)
        #expect(code("1101051949123100XX") == .format)
        #expect(code("11010519491231002A") == .format)
        #expect(code("X10105194912310021") == .format)
        #expect(code("") == .required)
        #expect(code("　 ") == .required)
    }

    @Test func rejectsImpossibleBirthDates() {
        #expect(code("110105190002290025") == .birthDate)   // 1900 is not a leap year
        #expect(code("110105194913310021") == .birthDate)   // month 13
        #expect(code("110105189912310023") == .birthDate)   // before 1900
    }

    @Test func acceptsTheTwentyNinthOfFebruaryOfALeapYear() throws {
        #expect(try IdentityNumber.parse("110105200002290021", today: today).get().birthDate.day == 29)
    }

    @Test func rejectsFutureBirthDates() {
        #expect(code("110105209901010020") == .birthDate)
        // Born today is fine, tomorrow is not.
        #expect(code("110105202506010029") == nil)
        #expect(code("110105202506020024") == .birthDate)
    }

    @Test func rejectsUnknownProvinces() {
        #expect(code("000105194912310024") == .province)
        #expect(code("990105194912310023") == .province)
    }
}
