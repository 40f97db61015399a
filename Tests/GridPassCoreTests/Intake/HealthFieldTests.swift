import Testing
@testable import GridPassCore

@Suite("Health fields")
struct HealthFieldTests {
    // MARK: - Temperature

    @Test func temperatureFromJSONMustBeANumberInRange() {
        #expect(IntakeFixtures.value(Temperature.read(.number(36.5), source: .json)) == 36.5)
        #expect(IntakeFixtures.value(Temperature.read(.number(34.0), source: .json)) == 34.0)
        #expect(IntakeFixtures.value(Temperature.read(.number(43.0), source: .json)) == 43.0)
        #expect(IntakeFixtures.error(Temperature.read(.number(33.9), source: .json))?.code == .range)
        #expect(IntakeFixtures.error(Temperature.read(.number(43.1), source: .json))?.code == .range)
        #expect(IntakeFixtures.error(Temperature.read(.string("36.5"), source: .json))?.code == .invalidType)
        #expect(IntakeFixtures.error(Temperature.read(.bool(true), source: .json))?.code == .invalidType)
        #expect(IntakeFixtures.error(Temperature.read(nil, source: .json))?.code == .required)
        #expect(IntakeFixtures.error(Temperature.read(.null, source: .json))?.code == .required)
    }

    @Test(arguments: [("36.5", 36.5), ("36,5", 36.5), ("37", 37.0), (" ３７．２ ", 37.2), ("36.8℃", 36.8), ("38.25", 38.25)])
    func temperatureFromFormText(typed: String, expected: Double) {
        #expect(IntakeFixtures.value(Temperature.read(.string(typed), source: .form)) == expected)
    }

    @Test func temperatureFromFormRejectsBadText() {
        for typed in ["abc", "36.5.1", "1e2", "inf", "-36", "36.", ".5", "36.5555", "0x24"] {
            #expect(IntakeFixtures.error(Temperature.read(.string(typed), source: .form))?.code == .format, "\(typed)")
        }
        #expect(IntakeFixtures.error(Temperature.read(.string("44"), source: .form))?.code == .range)
        #expect(IntakeFixtures.error(Temperature.read(.string(""), source: .form))?.code == .required)
        #expect(IntakeFixtures.error(Temperature.read(.array([.string("36"), .string("37")]), source: .form))?.code == .invalidType)
    }

    // MARK: - Symptoms

    @Test func symptomsFromTheList() throws {
        #expect(try Symptom.parseList([]).get() == [])
        #expect(try Symptom.parseList(["fever", "Sore_Throat", "loss_of_taste"]).get() == [.fever, .soreThroat, .lossOfTaste])
        #expect(Symptom.allCases.count == 6)
        #expect(try Symptom.parseList(Symptom.allCases.map(\.rawValue)).get() == Symptom.allCases)
    }

    @Test func symptomsRejectUnknownAndRepeatedNames() throws {
        let unknown = try #require(IntakeFixtures.error(Symptom.parseList(["fever", "headache"])))
        #expect(unknown.code == .unknownValue)
        #expect(unknown.message.contains("headache"))
        #expect(IntakeFixtures.error(Symptom.parseList(["cough", "cough"]))?.code == .duplicate)
    }

    // MARK: - Contact

    @Test func contactIsOneOfThree() throws {
        #expect(try Contact.parse("none").get() == Contact.none)
        #expect(try Contact.parse(" Close ").get() == .close)
        #expect(try Contact.parse("secondary").get() == .secondary)
        #expect(IntakeFixtures.error(Contact.parse("maybe"))?.code == .unknownValue)
        #expect(IntakeFixtures.error(Contact.parse(nil))?.code == .required)
        #expect(IntakeFixtures.error(Contact.parse("  "))?.code == .required)
    }

    // MARK: - Visited regions

    @Test func visitedCodesMustBeKnown() throws {
        let regions = IntakeFixtures.regions
        #expect(try VisitedRegions.parse([], regions: regions).get() == [])
        #expect(try VisitedRegions.parse(["110105", "３１０１０１", "110105"], regions: regions).get() == ["110105", "310101"])
        let unknown = try #require(IntakeFixtures.error(VisitedRegions.parse(["110105", "110199"], regions: regions)))
        #expect(unknown.code == .unknownValue)
        #expect(unknown.message.contains("110199"))
        let malformed = try #require(IntakeFixtures.error(VisitedRegions.parse(["11010", "beijing"], regions: regions)))
        #expect(malformed.code == .format)
        #expect(malformed.message.contains("11010"))
    }

    @Test func visitedTakesAtMostFifty() {
        let regions = IntakeFixtures.regions
        #expect(IntakeFixtures.value(VisitedRegions.parse(Array(repeating: "110105", count: 50), regions: regions)) == ["110105"])
        #expect(IntakeFixtures.error(VisitedRegions.parse(Array(repeating: "110105", count: 51), regions: regions))?.code == .tooLong)
    }

    // MARK: - Consent

    @Test func consentMustBeGiven() {
        #expect(IntakeFixtures.value(Consent.read(.bool(true), source: .json)) != nil)
        for yes in ["on", "true", "1", "yes", "YES"] {
            #expect(IntakeFixtures.value(Consent.read(.string(yes), source: .form)) != nil, "\(yes)")
        }
        #expect(IntakeFixtures.error(Consent.read(.bool(false), source: .json))?.code == .consentRequired)
        #expect(IntakeFixtures.error(Consent.read(nil, source: .json))?.code == .consentRequired)
        #expect(IntakeFixtures.error(Consent.read(nil, source: .form))?.code == .consentRequired)
        #expect(IntakeFixtures.error(Consent.read(.string("off"), source: .form))?.code == .consentRequired)
        #expect(IntakeFixtures.error(Consent.read(.string("true"), source: .json))?.code == .invalidType)
        #expect(IntakeFixtures.error(Consent.read(.number(1), source: .json))?.code == .invalidType)
    }
}
