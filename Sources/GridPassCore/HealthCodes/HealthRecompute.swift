/// What storing a person's recomputed health means, the same on every backend: the decision is
/// `HealthDecision` (the rules, `HealthCodeService.decide`); this is what follows from it for a
/// person who may be stale (marked by a change over many people at once: see
/// `SQLiteHealthRepository`, "Changes over sets").
public enum HealthRecompute {
    public enum Write: Equatable, Sendable {
        /// Nothing to store.
        case nothing
        /// Only the status version (a stale person with no code to sign: not active).
        case versionOnly(UInt32)
        /// A new colour, reasons, status version and code.
        case update(HealthUpdate)
    }

    /// Decides what to store for `record` under `risks`, and the record as it will be stored.
    /// A stale person is recomputed as if they held no code, so that they get a new one, and
    /// always takes exactly the status version scans read while they were stale (one above the
    /// stored one), whatever the decision: what a scan reads of them is the same before and
    /// after, so a store need not empty the scans' cache for it. The caller clears the mark.
    public static func plan(_ record: HealthRecord, risks: [String: RiskLevel], decide: HealthDecision) throws -> (Write, HealthRecord) {
        guard record.stale else {
            guard let update = try decide(record, risks) else { return (.nothing, record) }
            return (.update(update), updated(record, with: update))
        }
        var presented = record
        presented.code = nil
        presented.stale = false
        let version = record.statusVersion &+ 1
        guard let update = try decide(presented, risks) else {
            presented.statusVersion = version
            return (.versionOnly(version), presented)
        }
        // With no code held, any decision is a status change: one above the stored version.
        guard update.statusVersion == version else {
            throw Inconsistent(description: "a stale person's update must take status version \(version), not \(update.statusVersion)")
        }
        return (.update(update), updated(presented, with: update))
    }

    public struct Inconsistent: Error, CustomStringConvertible {
        public let description: String
    }

    /// `record` with `update` applied.
    public static func updated(_ record: HealthRecord, with update: HealthUpdate) -> HealthRecord {
        var record = record
        record.statusVersion = update.statusVersion
        record.color = update.color
        record.reasons = update.reasons
        record.code = update.code
        return record
    }
}

/// Reasons as JSON text in the person row, and the comma lists of declarations (every backend).
public enum HealthReasonCoding {
    public static func encode(_ reasons: [Reason]) -> String {
        let objects: [[String: Any]] = reasons.map { r in
            var o: [String: Any] = ["code": r.code, "color": r.color.rawValue, "day": r.day.number, "zh": r.zh, "en": r.en]
            if let region = r.region { o["region"] = region }
            if let detail = r.detail { o["detail"] = detail }
            return o
        }
        return String(decoding: JSONWriter.data(objects), as: UTF8.self)
    }

    public static func decode(_ text: String) -> [Reason] {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap { item in
            guard case .object(let pairs) = item else { return nil }
            var strings: [String: String] = [:]
            var day: Int?
            for (key, value) in pairs {
                switch value {
                case .string(let s): strings[key] = s
                case .number(let n, isInteger: true) where key == "day": day = Int(exactly: n)
                default: break
                }
            }
            guard let code = strings["code"], let color = strings["color"].flatMap(HealthColor.init(rawValue:)),
                  let day, let zh = strings["zh"], let en = strings["en"] else { return nil }
            return Reason(code: code, color: color, day: Day(number: day), region: strings["region"],
                          detail: strings["detail"], zh: zh, en: en)
        }
    }

    /// `a,b,c` → ["a", "b", "c"]; "" → [].
    public static func list(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    }
}
