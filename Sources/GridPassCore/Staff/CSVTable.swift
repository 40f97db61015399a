/// CSV for spreadsheet programs: RFC 4180 quoting, CRLF line ends, a UTF-8 byte-order mark so
/// that Excel reads Chinese text, and cells that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'`.
public enum CSVTable {
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = "\u{FEFF}"
        for row in [header] + rows {
            out += row.map(cell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var quoted = "\""
        for c in value {
            if c == "\"" { quoted += "\"\"" } else { quoted.append(c) }
        }
        return quoted + "\""
    }
}
