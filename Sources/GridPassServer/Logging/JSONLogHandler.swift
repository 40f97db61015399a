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

    /// Now, as `2026-11-27T09:30:00.123Z`.
    static func appendTimestamp(to out: inout [UInt8]) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        UTCTimestamp.append(Int64(ts.tv_sec), milliseconds: ts.tv_nsec / 1_000_000, to: &out)
    }
}
