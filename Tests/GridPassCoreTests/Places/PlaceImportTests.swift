import GridPassCore
import Testing

@Suite("Places CSV")
struct PlaceImportTests {
    static let header = "kind,code,name,parent,rooms,households\n"

    @Test("a valid file, parents before or after children, rooms expanded")
    func valid() throws {
        let csv = Self.header + """
            unit,U1,1单元,B1,101-103;201,3
            district,D,平山区,,,
            street,S,东明街道,D,,
            community,C,"东进社区",S,,3278
            grid,G1,第1网格,C,,650
            building,B1,1号楼,G1,,
            enterprise,E1,"平山精密机械有限公司",G1,,
            checkpoint,CP1,北门,E1,,
            """
        let rows = try PlaceImport.validate(csv: csv, existing: [:])
        #expect(rows.count == 8)
        let unit = try #require(rows.first { $0.code == "U1" })
        #expect(unit.rooms == ["101", "102", "103", "201"])
        #expect(unit.line == 2)
        #expect(rows.first { $0.code == "C" }?.households == 3278)
    }

    @Test("every error names its line", arguments: [
        ("unit,U1,1单元,NOPE,,", "line 3: parent: no place has the code 'NOPE'"),
        ("flat,U1,1单元,D,,", "line 3: kind: 'flat'"),
        ("street,bad code,x,D,,", "line 3: code:"),
        ("street,S2,,D,,", "line 3: name:"),
        ("street,S2,东明<script>,D,,", "line 3: name:"),
        ("street,S2,x,D,101,", "line 3: rooms:"),
        ("street,S2,x,D,,-3", "line 3: households:"),
        ("street,S2,x,D,,,", "line 3: expected 6 fields"),
        ("unit,U1,1单元,D,,", "line 3: parent: a unit cannot belong to a district"),
        ("district,D,平山区,,,", "line 3: code 'D' is already used on line 2"),
        ("street,S2,x,,,", "line 3: parent: a street needs a parent"),
    ])
    func errors(row: String, expected: String) {
        let csv = Self.header + "district,D,平山区,,,\n" + row + "\n"
        do {
            _ = try PlaceImport.validate(csv: csv, existing: [:])
            Issue.record("accepted: \(row)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("rooms: ranges, lists and errors")
    func rooms() throws {
        #expect(try Rooms.expand("101-104") == ["101", "102", "103", "104"])
        #expect(try Rooms.expand("1; 2 ;3") == ["1", "2", "3"])
        #expect(throws: Rooms.Error.self) { try Rooms.expand("104-101") }
        #expect(throws: Rooms.Error.self) { try Rooms.expand("101;101") }
        #expect(throws: Rooms.Error.self) { try Rooms.expand("101;;102") }
        #expect(throws: Rooms.Error.self) { try Rooms.expand("A1") }
    }

    @Test("a stored place may be a parent, but its kind cannot change")
    func existing() throws {
        let rows = try PlaceImport.validate(csv: Self.header + "grid,G9,第9网格,C,,\n", existing: ["C": .community])
        #expect(rows.map(\.code) == ["G9"])
        #expect(throws: PlaceImport.Failure.self) {
            try PlaceImport.validate(csv: Self.header + "street,C,x,D,,\n", existing: ["C": .community, "D": .district])
        }
    }

    @Test("header and CSV syntax")
    func header() {
        #expect(throws: PlaceImport.Failure.self) { try PlaceImport.validate(csv: "", existing: [:]) }
        #expect(throws: PlaceImport.Failure.self) { try PlaceImport.validate(csv: "code,kind\n", existing: [:]) }
        #expect(throws: PlaceImport.Failure.self) { try PlaceImport.validate(csv: Self.header + "district,\"D,x,,,\n", existing: [:]) }
    }

    @Test("full name leaves grids out")
    func fullName() {
        let d = Place(id: 1, code: "D", kind: .district, name: "平山区", parentID: nil)
        let s = Place(id: 2, code: "S", kind: .street, name: "东明街道", parentID: 1)
        let c = Place(id: 3, code: "C", kind: .community, name: "东进社区", parentID: 2)
        let g = Place(id: 4, code: "G", kind: .grid, name: "第1网格", parentID: 3)
        let b = Place(id: 5, code: "B", kind: .building, name: "3号楼", parentID: 4)
        let u = Place(id: 6, code: "U", kind: .unit, name: "2单元", parentID: 5)
        #expect(PlacePath(ancestors: [d, s, c, g, b], place: u).fullName == "平山区东明街道东进社区 3号楼 2单元")
    }
}
