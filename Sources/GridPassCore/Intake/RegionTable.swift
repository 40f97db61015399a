/// The administrative divisions of China by six-digit GB/T 2260 code, read from a CSV text with
/// the header `code,name,parent` (the shipped `Resources/regions/regions.csv`). Pure: the caller
/// reads the file.
public struct RegionTable: Sendable {
    public enum Level: String, Sendable, Codable {
        case province, prefecture, county
    }

    public struct Region: Sendable, Hashable {
        public let code: String
        public let name: String
        public let parent: String?
        /// The name with its ancestors, e.g. `北京市朝阳区` (a city row named like its
        /// municipality is not repeated).
        public let fullName: String

        /// Read from the code: `xx0000` a province, `xxyy00` a prefecture, anything else a county.
        public var level: Level {
            if code.hasSuffix("0000") { return .province }
            if code.hasSuffix("00") { return .prefecture }
            return .county
        }
    }

    public static let header = ["code", "name", "parent"]

    /// All regions, in code order.
    public let regions: [Region]
    let index: [String: Int]

    // MARK: - Reading

    /// Parses the CSV text; throws with the line of the first problem (bad header, a code that
    /// is not six digits, a repeated code, an unknown parent, a region under an unknown province).
    public init(csv text: String) throws(CSV.ParseError) {
        let records = try CSV.parse(text)
        guard let head = records.first, head.fields.map({ $0.trimmingSpaces.lowercased() }) == Self.header else {
            throw CSV.ParseError(line: 1, message: "the header must be \(Self.header.joined(separator: ","))")
        }
        var rows: [(line: Int, code: String, name: String, parent: String?)] = []
        var lineOf: [String: Int] = [:]
        for record in records.dropFirst() {
            let f = record.fields.map(\.trimmingSpaces)
            func fail(_ message: String) -> CSV.ParseError { .init(line: record.line, message: message) }
            guard f.count == 3 else { throw fail("expected 3 fields (code,name,parent), found \(f.count)") }
            guard Self.isSixDigits(f[0]) else { throw fail("code '\(f[0])' is not six digits") }
            guard Provinces.isProvince(f[0].prefix(2)) else { throw fail("code '\(f[0])' has no province prefix") }
            guard !f[1].isEmpty else { throw fail("the name of \(f[0]) is empty") }
            guard f[2].isEmpty || Self.isSixDigits(f[2]) else { throw fail("parent '\(f[2])' is not six digits") }
            if let first = lineOf[f[0]] { throw fail("code \(f[0]) is already on line \(first)") }
            lineOf[f[0]] = record.line
            rows.append((record.line, f[0], f[1], f[2].isEmpty ? nil : f[2]))
        }
        var names: [String: String] = [:]
        var parents: [String: String] = [:]
        for row in rows {
            names[row.code] = row.name
            if let parent = row.parent {
                guard lineOf[parent] != nil else {
                    throw CSV.ParseError(line: row.line, message: "parent \(parent) of \(row.code) is not in the table")
                }
                parents[row.code] = parent
            }
        }
        var regions: [Region] = []
        for row in rows.sorted(by: { $0.code < $1.code }) {
            // Ancestors, root first; a cycle cannot run longer than the table.
            var chain = [row.code]
            while let up = parents[chain[0]], chain.count <= rows.count { chain.insert(up, at: 0) }
            guard chain.count <= rows.count else {
                throw CSV.ParseError(line: row.line, message: "the parents of \(row.code) form a cycle")
            }
            var fullName = ""
            var previous = ""
            for code in chain {
                let name = names[code]!
                if name != previous { fullName += name }
                previous = name
            }
            regions.append(Region(code: row.code, name: row.name, parent: row.parent, fullName: fullName))
        }
        self.regions = regions
        self.index = Dictionary(uniqueKeysWithValues: regions.enumerated().map { ($1.code, $0) })
    }

    static func isSixDigits(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 6 && TextNormalization.isASCIIDigits(text)
    }

    // MARK: - Queries

    public var count: Int { regions.count }

    public func lookup(_ code: some StringProtocol) -> Region? {
        index[String(code)].map { regions[$0] }
    }

    public func contains(_ code: some StringProtocol) -> Bool {
        index[String(code)] != nil
    }

    /// The full name of a code, e.g. `fullName("110105") == "北京市朝阳区"`.
    public func fullName(_ code: some StringProtocol) -> String? {
        lookup(code)?.fullName
    }

    /// Whether a code (or its first two digits) names a real province.
    public func hasProvincePrefix(_ code: some StringProtocol) -> Bool {
        code.utf8.count >= 2 && Provinces.isProvince(code.prefix(2))
    }

    /// The regions directly below `code` (nil: the provinces), in code order.
    public func children(of code: String?) -> [Region] {
        regions.filter { $0.parent == code }
    }

    /// Regions for a picker: a query of digits matches code prefixes (in code order); any other
    /// query matches names, best first: the exact name, then names starting with it, then names
    /// containing it, then full names containing it (`北京市朝` finds 北京市朝阳区).
    public func search(_ query: String, limit: Int = 20) -> [Region] {
        let q = TextNormalization.halfWidth(query).trimmingSpaces
        guard !q.isEmpty, limit > 0 else { return [] }
        if TextNormalization.isASCIIDigits(q) {
            return Array(regions.lazy.filter { $0.code.hasPrefix(q) }.prefix(limit))
        }
        var ranked: [(rank: Int, region: Region)] = []
        for region in regions {
            let rank: Int
            if region.name == q { rank = 0 }
            else if region.name.hasPrefix(q) { rank = 1 }
            else if region.name.contains(q) { rank = 2 }
            else if region.fullName.contains(q) { rank = 3 }
            else { continue }
            ranked.append((rank, region))
        }
        // A stable sort keeps code order within a rank.
        return ranked.enumerated()
            .sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
            .prefix(limit)
            .map(\.element.region)
    }
}
