import Testing
@testable import GridPassCore

@Suite("Rooms")
struct RoomNumberTests {
    let rooms = ["101", "102", "201", "202"]

    @Test func mustBeInTheUnitsList() throws {
        #expect(try RoomNumber.parse("201", rooms: rooms).get() == "201")
        #expect(try RoomNumber.parse(" ２０１室 ", rooms: rooms).get() == "201")
        let error = try #require(IntakeFixtures.error(RoomNumber.parse("301", rooms: rooms)))
        #expect(error.code == .notInList)
        #expect(error.message.contains("301"))
    }

    @Test func isRequiredWithOrWithoutAList() {
        #expect(IntakeFixtures.error(RoomNumber.parse(nil, rooms: rooms))?.code == .required)
        #expect(IntakeFixtures.error(RoomNumber.parse(nil, rooms: []))?.code == .required)
        #expect(IntakeFixtures.error(RoomNumber.parse("室", rooms: []))?.code == .required)
    }

    @Test func withoutAListTakesShortCodes() throws {
        #expect(try RoomNumber.parse("b-1201", rooms: []).get() == "B-1201")
        #expect(try RoomNumber.parse("1234567890", rooms: []).get() == "1234567890")
        #expect(IntakeFixtures.error(RoomNumber.parse("12345678901", rooms: []))?.code == .tooLong)
        #expect(IntakeFixtures.error(RoomNumber.parse("3楼", rooms: []))?.code == .format)
        #expect(IntakeFixtures.error(RoomNumber.parse("1_2", rooms: []))?.code == .format)
    }
}
