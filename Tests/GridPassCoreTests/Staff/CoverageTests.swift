import GridPassCore
import Testing

@Suite("Coverage of a grid")
struct CoverageTests {
    let grid = Place(id: 1, code: "G", kind: .grid, name: "第1网格", parentID: nil, households: 10)
    let building = Place(id: 2, code: "B", kind: .building, name: "1号楼", parentID: 1)
    var unitA: Place { Place(id: 3, code: "U1", kind: .unit, name: "1单元", parentID: 2, rooms: ["101", "102", "201", "202"], households: 4) }
    var unitB: Place { Place(id: 4, code: "U2", kind: .unit, name: "2单元", parentID: 2) }
    var hut: Place { Place(id: 5, code: "H", kind: .building, name: "2号平房", parentID: 1, rooms: ["1", "2", "3"]) }
    let enterprise = Place(id: 6, code: "E", kind: .enterprise, name: "工厂", parentID: 1)
    let today = Day(number: 20_000)

    func person(_ id: String, at place: Int64, room: String? = nil, kind: PersonKind = .resident, status: PersonRecord.Status = .active,
                color: HealthColor? = .green, reported: Day?) -> CoveragePerson {
        CoveragePerson(id: id, kind: kind, status: status, placeID: place, name: "张三" + id, room: room, color: color, lastReport: reported)
    }

    @Test("registered households are distinct rooms with an active resident; reports, colours and the missing lists")
    func figures() {
        let people = [
            person("a", at: 3, room: "101", reported: today),
            person("b", at: 3, room: "101", color: .yellow, reported: today.advanced(by: -1)),  // same household
            person("c", at: 3, room: "202", color: .red, reported: today),
            person("d", at: 5, room: "2", reported: nil),
            person("e", at: 4, room: "9", status: .rejected, reported: today),                   // not active: not counted
            person("w", at: 6, kind: .worker, reported: today),
            person("p", at: 6, kind: .worker, status: .pending, color: nil, reported: today),
        ]
        let homes = [PlacePath(ancestors: [grid, building], place: unitA), PlacePath(ancestors: [grid, building], place: unitB),
                     PlacePath(ancestors: [grid], place: hut)]
        let c = Coverage(grid: grid, homes: homes, enterprises: [enterprise], people: people, today: today)
        #expect(c.expectedHouseholds == 10)
        #expect(c.registeredHouseholds == 3)
        #expect(c.homes.map(\.registered) == [2, 0, 1])
        #expect(c.homes.map(\.expected) == [4, nil, 3])
        #expect(c.homes[0].unregisteredRooms == ["102", "201"])
        #expect(c.homes[1].unregisteredRooms == [])
        #expect(c.homes[2].unregisteredRooms == ["1", "3"])
        #expect(c.activePeople == 5)
        #expect(c.reportedToday == 3)
        #expect(c.notReported.map(\.id) == ["b", "d"])
        #expect(c.colors == [.green: 3, .yellow: 1, .red: 1])
        #expect(c.enterprises.map { [$0.active, $0.pending, $0.reportedToday] } == [[1, 1, 1]])
        #expect(c.registeredPercent == 30 && c.reportedPercent == 60)
    }

    @Test("without the grid's households the homes' figures add up; nothing known means no percentage")
    func expected() {
        var bare = grid
        bare.households = nil
        let homes = [PlacePath(ancestors: [bare], place: unitA), PlacePath(ancestors: [bare], place: hut)]
        #expect(Coverage(grid: bare, homes: homes, enterprises: [], people: [], today: today).expectedHouseholds == 7)
        let none = Coverage(grid: bare, homes: [PlacePath(ancestors: [bare], place: unitB)], enterprises: [], people: [], today: today)
        #expect(none.expectedHouseholds == nil && none.registeredPercent == nil && none.reportedPercent == nil)
    }
}
