import Foundation
import GridPassCore
import Logging

/// One JSON object per line on standard error: `{"ts","level","label","msg",…metadata}`.
/// Written with one `write(2)` per line and no formatter objects, since it runs on every request.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: #"{"ts":""#.utf8)
        Self.appendTimestamp(to: &line)
        line.append(contentsOf: #"","level":""#.utf8)
        line.append(contentsOf: event.level.rawValue.utf8)
        line.append(contentsOf: #"","label":"#.utf8)
        JSONWriter.writeString(label, into: &line)
        line.append(contentsOf: #","msg":"#.utf8)
        JSONWriter.writeString(event.message.description, into: &line)
        for key in fields.keys.sorted() {
            line.append(UInt8(ascii: ","))
            JSONWriter.writeString(key, into: &line)
            line.append(UInt8(ascii: ":"))
            JSONWriter.writeString("\(fields[key]!)", into: &line)
        }
        line.append(contentsOf: "}\n".utf8)
        line.withUnsafeBufferPointer { buf in _ = Glibc.write(2, buf.baseAddress, buf.count) }
    }

    /// `2026-11-27T09:30:00.123Z`.
    static func timestamp() -> String {
        var out: [UInt8] = []
        appendTimestamp(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendTimestamp(to out: inout [UInt8]) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &t)
        func put(_ value: Int32, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out.append(contentsOf: digits)
        }
        put(t.tm_year + 1900, 4); out.append(UInt8(ascii: "-")); put(t.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        put(t.tm_mday, 2); out.append(UInt8(ascii: "T")); put(t.tm_hour, 2); out.append(UInt8(ascii: ":"))
        put(t.tm_min, 2); out.append(UInt8(ascii: ":")); put(t.tm_sec, 2); out.append(UInt8(ascii: "."))
        put(Int32(ts.tv_nsec / 1_000_000), 3); out.append(UInt8(ascii: "Z"))
    }
}
