/// A strict reader of the Prometheus text exposition format 0.0.4, as Prometheus's own parser
/// reads it: `# HELP` / `# TYPE` lines (at most one each, before the family's samples), metric
/// and label name grammar, quoted label values with `\\`, `\"` and `\n` escapes, float values,
/// optional timestamps, families in one group each, no duplicate series. Histograms must have
/// increasing `le` bounds with cumulative counts, a `+Inf` bucket equal to `_count`, and a `_sum`.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var type = "untyped"
        var typed = false
        var help: String?
        var samples: [Sample] = []
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    private(set) var families: [String: Family] = [:]

    /// The value of the sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        families.values.lazy.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw ParseError(line: 0, message: "the last line must end with a line feed") }
        var seriesSeen = Set<String>()
        var current: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            var cursor = Cursor(bytes: Array(line.utf8), line: index + 1)
            cursor.skipBlanks()
            if cursor.atEnd { continue }
            if cursor.peek == UInt8(ascii: "#") {
                try readComment(&cursor)
                continue
            }
            let sample = try Self.readSample(&cursor)
            let family = familyName(of: sample.name)
            if family != current, families[family]?.samples.isEmpty == false {
                throw cursor.error("the samples of \(family) are not in one group")
            }
            current = family
            try checkShape(sample, family: family, cursor)
            guard seriesSeen.insert(sample.name + "\(sample.labels.sorted { $0.key < $1.key })").inserted else {
                throw cursor.error("duplicate series \(sample.name)\(sample.labels)")
            }
            families[family, default: Family()].samples.append(sample)
        }
        for (name, family) in families where family.type == "histogram" { try Self.checkHistogram(name, family) }
    }

    // MARK: - Lines

    private mutating func readComment(_ cursor: inout Cursor) throws {
        cursor.advance()
        cursor.skipBlanks()
        let keyword = cursor.word()
        guard keyword == "HELP" || keyword == "TYPE", cursor.skipBlanks() > 0 else { return }  // a plain comment
        let name = try cursor.metricName()
        if families[name]?.samples.isEmpty == false { throw cursor.error("\(keyword) of \(name) after its samples") }
        if keyword == "TYPE" {
            guard cursor.skipBlanks() > 0 else { throw cursor.error("TYPE of \(name) has no type") }
            let type = cursor.word()
            cursor.skipBlanks()
            guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(type), cursor.atEnd else {
                throw cursor.error("bad TYPE line for \(name)")
            }
            guard families[name]?.typed != true else { throw cursor.error("second TYPE for \(name)") }
            families[name, default: Family()].type = type
            families[name, default: Family()].typed = true
        } else {
            guard families[name]?.help == nil else { throw cursor.error("second HELP for \(name)") }
            cursor.skipBlanks()
            families[name, default: Family()].help = try cursor.escapedText(until: nil, escapes: ["\\": "\\", "n": "\n"])
        }
    }

    private static func readSample(_ cursor: inout Cursor) throws -> Sample {
        let name = try cursor.metricName()
        var labels: [String: String] = [:]
        if cursor.peek == UInt8(ascii: "{") {
            cursor.advance()
            while true {
                cursor.skipBlanks()
                if cursor.peek == UInt8(ascii: "}") { cursor.advance(); break }
                let label = try cursor.labelName()
                cursor.skipBlanks()
                try cursor.expect("=")
                cursor.skipBlanks()
                try cursor.expect("\"")
                let value = try cursor.escapedText(until: UInt8(ascii: "\""), escapes: ["\\": "\\", "\"": "\"", "n": "\n"])
                guard labels.updateValue(value, forKey: label) == nil else { throw cursor.error("label \(label) twice") }
                cursor.skipBlanks()
                if cursor.peek == UInt8(ascii: ",") { cursor.advance() } else if cursor.peek != UInt8(ascii: "}") {
                    throw cursor.error("expected , or } in the labels of \(name)")
                }
            }
        }
        guard cursor.skipBlanks() > 0 else { throw cursor.error("no blank before the value of \(name)") }
        let value = try float(cursor.word(), cursor)
        if cursor.skipBlanks() > 0, !cursor.atEnd {
            let timestamp = cursor.word()
            guard Int64(timestamp) != nil else { throw cursor.error("bad timestamp \(timestamp)") }
            cursor.skipBlanks()
        }
        guard cursor.atEnd else { throw cursor.error("text after the sample of \(name)") }
        return Sample(name: name, labels: labels, value: value)
    }

    /// A float as Prometheus writes it: decimal or exponent notation, `NaN`, `+Inf`, `-Inf`.
    fileprivate static func float(_ text: String, _ cursor: Cursor) throws -> Double {
        if ["NaN", "+Inf", "-Inf", "Inf"].contains(text) { return Double(text.replacingOccurrences(of: "Inf", with: "infinity"))! }
        let allowed = Set("0123456789+-.eE")
        guard !text.isEmpty, text.allSatisfy(allowed.contains), text.contains(where: \.isNumber), let value = Double(text) else {
            throw cursor.error("bad value '\(text)'")
        }
        return value
    }

    // MARK: - Families

    private func familyName(of sample: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sample.hasSuffix(suffix) {
            let base = String(sample.dropLast(suffix.count))
            if let type = families[base]?.type, type == "histogram" || (type == "summary" && suffix != "_bucket") { return base }
        }
        return sample
    }

    fileprivate func checkShape(_ sample: Sample, family: String, _ cursor: Cursor) throws {
        switch families[family]?.type ?? "untyped" {
        case "counter":
            guard sample.value >= 0 else { throw cursor.error("negative counter \(sample.name)") }
        case "histogram":
            guard sample.name != family else { throw cursor.error("histogram sample \(family) without a suffix") }
            guard (sample.name == family + "_bucket") == (sample.labels["le"] != nil) else {
                throw cursor.error("le belongs on the _bucket samples of \(family), and only there")
            }
        default:
            break
        }
    }

    private static func checkHistogram(_ name: String, _ family: Family) throws {
        let series = Dictionary(grouping: family.samples) { $0.labels.filter { $0.key != "le" } }
        for (labels, samples) in series {
            let id = "\(name)\(labels)"
            let buckets = samples.filter { $0.name == name + "_bucket" }
            var previous: (le: Double, count: Double)?
            for bucket in buckets {
                guard let le = Double(bucket.labels["le"]!.replacingOccurrences(of: "Inf", with: "infinity")) else {
                    throw ParseError(line: 0, message: "\(id): bad le \(bucket.labels["le"]!)")
                }
                if let previous, !(le > previous.le && bucket.value >= previous.count) {
                    throw ParseError(line: 0, message: "\(id): buckets not increasing at le=\(le)")
                }
                previous = (le, bucket.value)
            }
            guard let last = previous, last.le == .infinity else { throw ParseError(line: 0, message: "\(id): no +Inf bucket") }
            let count = samples.first { $0.name == name + "_count" }?.value
            guard count == last.count else { throw ParseError(line: 0, message: "\(id): +Inf bucket \(last.count) != _count \(count ?? -1)") }
            guard samples.contains(where: { $0.name == name + "_sum" }) else { throw ParseError(line: 0, message: "\(id): no _sum") }
        }
    }
}

/// Reads one line byte by byte.
fileprivate struct Cursor {
    let bytes: [UInt8]
    let line: Int
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func advance() { index += 1 }

    func error(_ message: String) -> PrometheusText.ParseError { .init(line: line, message: message) }

    /// Skips spaces and tabs; returns how many.
    @discardableResult mutating func skipBlanks() -> Int {
        let start = index
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
        return index - start
    }

    /// Everything up to the next blank or the end of the line.
    mutating func word() -> String {
        let start = index
        while let byte = peek, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") { advance() }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func expect(_ character: Unicode.Scalar) throws {
        guard peek == UInt8(ascii: character) else { throw error("expected \(character)") }
        advance()
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    mutating func metricName() throws -> String { try name(extra: ":", what: "metric name") }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    mutating func labelName() throws -> String { try name(extra: nil, what: "label name") }

    private mutating func name(extra: Unicode.Scalar?, what: String) throws -> String {
        let start = index
        while let byte = peek {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard letter || byte == UInt8(ascii: "_") || byte == extra.map({ UInt8(ascii: $0) }) || (digit && index > start) else { break }
            advance()
        }
        guard index > start else { throw error("expected a \(what)") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Text up to `end` (consumed; nil: the end of the line) with backslash escapes; any other
    /// escape is an error.
    mutating func escapedText(until end: UInt8?, escapes: [Character: String]) throws -> String {
        var out: [UInt8] = []
        while true {
            guard let byte = peek else {
                if end == nil { return String(decoding: out, as: UTF8.self) }
                throw error("unterminated quoted value")
            }
            advance()
            if byte == end { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard let next = peek, let replacement = escapes[Character(Unicode.Scalar(next))] else {
                    throw error("bad escape sequence")
                }
                advance()
                out += Array(replacement.utf8)
            } else {
                out.append(byte)
            }
        }
    }
}
