import Testing
@testable import GridPassCore

@Suite("Region table")
struct RegionTableTests {
    let table = IntakeFixtures.regions

    @Test func looksUpCodesAndFullNames() throws {
        let chaoyang = try #require(table.lookup("110105"))
        #expect(chaoyang.name == "朝阳区")
        #expect(chaoyang.parent == "110100")
        #expect(chaoyang.level == .county)
        #expect(table.fullName("110105") == "北京市朝阳区")
        #expect(table.fullName("310101") == "上海市黄浦区")
        #expect(table.fullName("420106") == "湖北省武汉市武昌区")
        #expect(table.fullName("429004") == "湖北省仙桃市")
        #expect(table.lookup("420100")?.level == .prefecture)
        #expect(table.lookup("420000")?.level == .province)
        #expect(table.lookup("999999") == nil)
        #expect(table.fullName("110106") == nil)
    }

    @Test func checksProvincePrefixes() {
        #expect(table.hasProvincePrefix("110105"))
        #expect(table.hasProvincePrefix("65"))
        #expect(!table.hasProvincePrefix("000000"))
        #expect(!table.hasProvincePrefix("991234"))
        #expect(!table.hasProvincePrefix("1"))
    }

    @Test func searchesByCodePrefix() {
        #expect(table.search("1101").map(\.code) == ["110100", "110105"])
        #expect(table.search("42", limit: 2).map(\.code) == ["420000", "420100"])
        #expect(table.search("８").isEmpty)
    }

    @Test func searchesByNameBestFirst() {
        // Exact names first (in code order), then names containing the query.
        #expect(table.search("朝阳区").map(\.code) == ["110105", "220104"])
        #expect(table.search("北京").map(\.code) == ["110000", "110100", "110105"])
        #expect(table.search("武").map(\.code) == ["420100", "420106"])
        #expect(table.search("北京市朝").map(\.code) == ["110105"])
        #expect(table.search("朝阳", limit: 1).map(\.code) == ["110105"])
        #expect(table.search("  ").isEmpty)
        #expect(table.search("纽约").isEmpty)
    }

    @Test func listsChildren() {
        #expect(table.children(of: "420000").map(\.code) == ["420100", "429004"])
        #expect(table.children(of: nil).map(\.code) == ["110000", "220000", "310000", "420000"])
    }

    @Test func rejectsBadTables() {
        let bad: [(String, Int)] = [
            ("id,name\n110000,北京市\n", 1),
            ("code,name,parent\n110000,北京市,\n11000,北京,110000\n", 3),
            ("code,name,parent\n110000,北京市,\n110000,北京市,\n", 3),
            ("code,name,parent\n110000,北京市,\n110105,朝阳区,110100\n", 3),
            ("code,name,parent\n000000,无,\n", 2),
            ("code,name,parent\n110000,,\n", 2),
            ("code,name,parent\n110000,北京市\n", 2),
            ("code,name,parent\n110100,甲,110200\n110200,乙,110100\n", 2),
        ]
        for (csv, line) in bad {
            #expect(throws: CSV.ParseError.self) { try RegionTable(csv: csv) }
            do { _ = try RegionTable(csv: csv) } catch { #expect(error.line == line, "\(csv)") }
        }
    }

    @Test func theShippedTableIsComplete() throws {
        let shipped = try RegionTable(csv: IntakeFixtures.shippedCSV())
        #expect(shipped.fullName("110105") == "北京市朝阳区")
        #expect(shipped.fullName("310101") == "上海市黄浦区")
        #expect(shipped.fullName("500229") == "重庆市城口县")
        #expect(shipped.fullName("440305") == "广东省深圳市南山区")
        #expect(shipped.fullName("420106") == "湖北省武汉市武昌区")
        let provinces = shipped.regions.filter { $0.level == .province }
        #expect(Set(provinces.map { String($0.code.prefix(2)) }) == Set(Provinces.names.keys))
        for province in provinces { #expect(province.name == Provinces.names[String(province.code.prefix(2))]) }
        #expect(shipped.regions.filter { $0.level == .prefecture }.count >= 333)
        #expect(shipped.regions.filter { $0.level == .county }.count >= 2800)
        // Every district of a few big cities, by count.
        let districts = { (city: String) in shipped.children(of: city).count }
        #expect(districts("110100") == 16)   // Beijing
        #expect(districts("310100") == 16)   // Shanghai
        #expect(districts("120100") == 16)   // Tianjin
        #expect(districts("440100") == 11)   // Guangzhou
        #expect(districts("440300") == 9)    // Shenzhen
        #expect(districts("420100") == 13)   // Wuhan
        #expect(shipped.search("朝阳区").first?.code == "110105")
    }
}
