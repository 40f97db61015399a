import Foundation
import GridPassCore

/// Registration through a poster: the same steps for the JSON API and the HTML form.
struct IntakeService: Sendable {
    let services: AppServices
    let codes: HealthCodeService
    let publicURL: String

    enum Outcome: Sendable {
        case registered(PersonRecord, code: StoredCode?, created: Bool)
        /// Bad fields; the door is known, so a form can be shown again.
        case invalid(FieldErrors, door: PlacePath)
        /// The token names no door where people register (unknown, replaced, or a checkpoint).
        case noForm(PosterLookup)
        /// A staff registration on someone's behalf by a user whose scope does not cover the door.
        case forbidden
    }

    /// The kind of person who registers at a door, or nil where nobody registers (a checkpoint).
    static func personKind(at door: PlacePath) -> PersonKind? {
        switch door.place.kind {
        case .unit, .building: .resident
        case .enterprise: .worker
        default: nil
        }
    }

    /// Registers at the door of a poster token; with `assistedBy`, a staff user registers the
    /// person on their behalf (CONTRACT §11): their scope must cover the door, and the consent is
    /// recorded in the audit log as given in person to them.
    func register(token: String, fields: [String: FieldValue], source: InputSource, assistedBy: UserRecord? = nil,
                  address: String? = nil, now: Date = Date()) async throws -> Outcome {
        let lookup = try await PosterLookup.resolve(token, services: services)
        guard case .door(let door) = lookup, Self.personKind(at: door) != nil else { return .noForm(lookup) }
        return try await register(at: door, fields: fields, source: source, assistedBy: assistedBy, address: address, now: now)
    }

    /// The same at a door in hand (the staff pages' form for a place).
    func register(at door: PlacePath, fields: [String: FieldValue], source: InputSource, assistedBy: UserRecord? = nil,
                  address: String? = nil, now: Date = Date()) async throws -> Outcome {
        guard let kind = Self.personKind(at: door) else { return .noForm(.door(door)) }
        if let staff = assistedBy, !(staff.role == .admin || staff.role == .staff) || !Access.covers(staff, door) { return .forbidden }
        let unix = Int64(now.timeIntervalSince1970)
        let result = RegistrationValidator.validate(fields, kind: kind, rooms: door.place.rooms, regions: services.regions,
                                                    source: source, today: CalendarDate(unixSeconds: unix))
        switch result {
        case .failure(let errors):
            return .invalid(errors, door: door)
        case .success(let valid):
            let data = RegistrationData(
                placeID: door.place.id, kind: kind, name: valid.name, idNumber: valid.idNumber, phone: valid.phone,
                room: valid.room, department: valid.department,
                declaration: valid.health)
            let person: PersonRecord, record: HealthRecord?, created: Bool
            do {
                try await services.keyRing.refreshForSigning()
                (person, record, created) = try await services.people.register(data, now: unix, decide: codes.decide(now: unix))
            } catch RegistrationConflict.phoneMismatch {
                return .invalid(FieldErrors([FieldError(field: "phone", code: .notInList,
                    message: "This identity number is already registered here with another phone number. Use that number, or ask your grid worker to change it.",
                    messageZH: "该身份证号已在此处用其他手机号登记。请使用原手机号，或联系网格员修改。")]), door: door)
            }
            services.metrics.registered(kind, created: created)
            if let staff = assistedBy {
                try await services.staff.addAudit(AuditEntry(at: unix, userID: staff.id, userName: staff.name, action: .assist,
                    target: "person:" + person.id, detail: AuditDetail.make("consent", ["staff": staff.name, "place": door.fullName]), address: address))
            }
            return .registered(person, code: record?.code, created: created)
        }
    }

    func meURL(_ person: PersonRecord) -> String { "\(publicURL)/me/\(person.meToken)" }

    /// The JSON answer of CONTRACT §4 (keys sorted); `code` is the health code summary (null
    /// until active). Written straight into bytes: it is every registration's answer.
    func json(_ person: PersonRecord, code: StoredCode?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        func field(_ key: StaticString, _ value: String) {
            JSONWriter.writeRaw(key, into: &out)
            JSONWriter.writeString(value, into: &out)
        }
        JSONWriter.writeRaw(#"{"health_code":"#, into: &out)
        if let code {
            field(#"{"color":"#, code.color.rawValue)
            JSONWriter.writeRaw(#","expires_at":"#, into: &out)
            JSONWriter.writeTimestamp(code.expiresAt, into: &out)
            field(#","payload":"#, code.payload)
            JSONWriter.writeRaw("}", into: &out)
        } else {
            JSONWriter.writeRaw("null", into: &out)
        }
        field(#","kind":"#, person.kind.rawValue)
        field(#","me_url":"#, meURL(person))
        field(#","person_id":"#, person.id)
        field(#","status":"#, person.status.rawValue)
        JSONWriter.writeRaw("}", into: &out)
        return out
    }
}
