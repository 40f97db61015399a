import Testing
@testable import GridPassCore

@Suite("Mobile phone numbers")
struct PhoneNumberTests {
    @Test(arguments: [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("＋８６１９９１２３４５６７８", "19912345678"),
        ("138\u{3000}0013\u{2014}8000", "13800138000"),
    ])
    func acceptsAndNormalises(typed: String, expected: String) throws {
        #expect(try PhoneNumber.parse(typed).get() == expected)
    }

    @Test(arguments: [
        "12800138000",      // second digit 2
        "10800138000",
        "23800138000",      // not starting with 1
        "1380013800",       // 10 digits
        "138001380001",     // 12 digits
        "+85 13800138000",  // another country
        "86138001380",      // 86 not followed by 11 digits: 11 digits starting with 8
        "1380013800a",
        "(138)00138000",
    ])
    func rejects(typed: String) {
        #expect(IntakeFixtures.error(PhoneNumber.parse(typed))?.code == .format)
    }

    @Test func emptyIsRequired() {
        #expect(IntakeFixtures.error(PhoneNumber.parse(" - "))?.code == .required)
    }
}
