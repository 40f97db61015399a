/// Validation of a places CSV (CONTRACT §2), pure: it sees the file and what is already stored,
/// and either returns every row resolved or every error, each naming its line.
public enum PlaceImport {
    public static let header = ["kind", "code", "name", "parent", "rooms", "households"]

    /// One validated row, with its parent still named by code.
    public struct Row: Sendable, Equatable {
        public let line: Int
        public let kind: PlaceKind
        public let code: String
        public let name: String
        public let parentCode: String?
        public let rooms: [String]
        public let households: Int?
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let errors: [CSV.ParseError]
        public var description: String { errors.map(\.description).joined(separator: "\n") }
    }

    /// What is already stored, by code: its kind (needed to check parents and kind changes).
    public typealias Existing = [String: PlaceKind]

    /// Parses and checks the whole file; throws with every problem found (up to 100).
    public static func validate(csv text: String, existing: Existing) throws(Failure) -> [Row] {
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch { throw Failure(errors: [error]) }
        guard let head = records.first else {
            throw Failure(errors: [.init(line: 1, message: "the file is empty; expected the header \(header.joined(separator: ","))")])
        }
        let names = head.fields.map { $0.trimmingSpaces.lowercased() }
        guard names == header else {
            throw Failure(errors: [.init(line: head.line, message: "the header must be \(header.joined(separator: ",")), found \(head.fields.joined(separator: ","))")])
        }
        var errors: [CSV.ParseError] = []
        var rows: [Row] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            do throws(CSV.ParseError) {
                let row = try parseRow(record)
                if let first = seen[row.code] {
                    throw CSV.ParseError(line: record.line, message: "code '\(row.code)' is already used on line \(first)")
                }
                seen[row.code] = record.line
                rows.append(row)
            } catch {
                errors.append(error)
            }
        }
        // Parents: in this file or already stored, and of an allowed kind.
        var kinds = existing
        for row in rows { kinds[row.code] = row.kind }
        for row in rows {
            if let old = existing[row.code], old != row.kind {
                errors.append(.init(line: row.line, message: "code '\(row.code)' is a \(old.rawValue) already; its kind cannot change to \(row.kind.rawValue)"))
            }
            switch (row.kind, row.parentCode) {
            case (.district, nil): continue
            case (.district, .some):
                errors.append(.init(line: row.line, message: "parent: a district has no parent"))
            case (_, nil):
                errors.append(.init(line: row.line, message: "parent: a \(row.kind.rawValue) needs a parent (\(row.kind.allowedParents.map(\.rawValue).sorted().joined(separator: " or ")))"))
            case (_, .some(let parent)):
                guard let parentKind = kinds[parent] else {
                    errors.append(.init(line: row.line, message: "parent: no place has the code '\(parent)'"))
                    continue
                }
                if !row.kind.allowedParents.contains(parentKind) {
                    errors.append(.init(line: row.line, message: "parent: a \(row.kind.rawValue) cannot belong to a \(parentKind.rawValue) ('\(parent)')"))
                }
            }
        }
        guard errors.isEmpty else { throw Failure(errors: Array(errors.sorted { $0.line < $1.line }.prefix(100))) }
        return rows
    }

    static func parseRow(_ record: CSV.Record) throws(CSV.ParseError) -> Row {
        let line = record.line
        func fail(_ message: String) -> CSV.ParseError { .init(line: line, message: message) }
        guard record.fields.count == header.count else {
            throw fail("expected \(header.count) fields (\(header.joined(separator: ","))), found \(record.fields.count)")
        }
        let f = record.fields.map(\.trimmingSpaces)
        guard let kind = PlaceKind(rawValue: f[0].lowercased()) else {
            throw fail("kind: '\(f[0])' is not one of \(PlaceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let code = f[1]
        guard isValidCode(code) else { throw fail("code: '\(code)' must be 1–32 characters of A–Z, a–z, 0–9, _ or -") }
        let name = f[2]
        guard !name.isEmpty, name.count <= 100 else { throw fail("name: must be 1–100 characters") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || "<>".unicodeScalars.contains($0) }) else {
            throw fail("name: control characters and < > are not allowed")
        }
        let parent = f[3].isEmpty ? nil : f[3]
        if let parent, !isValidCode(parent) { throw fail("parent: '\(parent)' is not a valid code") }
        var rooms: [String] = []
        if !f[4].isEmpty {
            guard kind == .unit || kind == .building else { throw fail("rooms: only units (or buildings without units) have rooms") }
            do { rooms = try Rooms.expand(f[4]) } catch { throw fail("rooms: \(error.message)") }
        }
        var households: Int?
        if !f[5].isEmpty {
            guard let n = Int(f[5]), n >= 0, n <= 1_000_000 else { throw fail("households: '\(f[5])' is not a whole number from 0 to 1000000") }
            households = n
        }
        return Row(line: line, kind: kind, code: code, name: name, parentCode: parent, rooms: rooms, households: households)
    }

    public static func isValidCode(_ code: String) -> Bool {
        let utf8 = code.utf8
        return (1...32).contains(utf8.count) && utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }
}

/// Room lists: numbers or ranges separated by `;`, e.g. `101-104;201;202`.
public enum Rooms {
    public struct Error: Swift.Error, Equatable { public let message: String }

    public static func expand(_ text: String) throws(Error) -> [String] {
        var rooms: [String] = []
        var seen = Set<String>()
        for part in text.split(separator: ";", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces }) {
            guard !part.isEmpty else { throw Error(message: "an empty room in '\(text)'") }
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            let numbers = bounds.compactMap { $0.count <= 6 && $0.allSatisfy(\.isASCIIDigit) && !$0.isEmpty ? Int($0) : nil }
            guard numbers.count == bounds.count, (1...2).contains(numbers.count) else {
                throw Error(message: "'\(part)' is neither a room number nor a range like 101-104")
            }
            let lo = numbers[0], hi = numbers.last!
            guard lo <= hi, hi - lo < 1000 else { throw Error(message: "'\(part)' is not an ascending range of at most 1000 rooms") }
            for n in lo...hi {
                let room = String(n)
                guard seen.insert(room).inserted else { throw Error(message: "room \(room) is listed twice") }
                rooms.append(room)
            }
        }
        guard rooms.count <= 5000 else { throw Error(message: "more than 5000 rooms") }
        return rooms
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// The string without leading and trailing spaces and tabs (no Foundation).
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        if let first = scalars.first, let last = scalars.last,
           !TextNormalization.isWhitespace(first), !TextNormalization.isWhitespace(last) { return self }
        guard let start = scalars.firstIndex(where: { !TextNormalization.isWhitespace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !TextNormalization.isWhitespace($0) })!
        return String(scalars[start...end])
    }
}
