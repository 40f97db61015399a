import Foundation

/// What every store does the same way when it makes a person (SQLite and PostgreSQL): the
/// personal-page token, the first status, and the record the rules colour before the insert.
public enum NewPerson {
    /// The wall clock in milliseconds, for the order of new references and tokens only.
    public static func clockMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The secret of a personal page address: `TimeOrderedBytes`, 4 bytes of time and 16 random
    /// bytes (128 bits, the secret), in base32 (32 characters); tokens made one after the other
    /// share the last page of the me_token index.
    public static func meToken(milliseconds: Int64 = clockMilliseconds()) throws -> String {
        Base32.encode(try TimeOrderedBytes.make(milliseconds: milliseconds, random: 16))
    }

    /// Residents are active at once; workers wait for their enterprise's review.
    public static func initialStatus(_ kind: PersonKind) -> PersonRecord.Status {
        kind == .resident ? .active : .pending
    }

    /// The health record of a new person `ref` as the rules see it before the insert: no colour
    /// yet, status version 0, and the registration's declaration as it will be read back.
    public static func record(_ ref: PersonRef, _ r: RegistrationData, meToken: String, now: Int64) -> HealthRecord {
        let person = PersonRecord(ref: ref, kind: r.kind, status: initialStatus(r.kind), placeID: r.placeID, name: r.name,
                                  room: r.room, department: r.department, meToken: meToken, reviewReason: nil,
                                  createdAt: now, updatedAt: now)
        let d = r.declaration
        let declaration = Declaration(day: Day(unixSeconds: now), temperature: d.temperature, symptoms: d.symptoms.map(\.rawValue),
                                      visited: d.visited, contact: d.contact.rawValue)
        return HealthRecord(person: person, statusVersion: 0, color: nil, reasons: [], code: nil, declarations: [declaration], flags: [])
    }
}
