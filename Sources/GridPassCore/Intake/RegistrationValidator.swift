/// A registration that passed every rule, with normalised values.
public struct ValidRegistration: Sendable, Equatable {
    public var kind: PersonKind
    public var name: String
    public var identity: IdentityNumber
    /// 11 digits.
    public var phone: String
    /// Residents only.
    public var room: String?
    /// Workers only, when given.
    public var department: String?
    public var health: HealthDeclaration

    public var idNumber: String { identity.value }
    public var birthDate: CalendarDate { identity.birthDate }
    public var provinceCode: String { identity.provinceCode }
    public var temperature: Double { health.temperature }
    public var symptoms: [Symptom] { health.symptoms }
    public var visited: [String] { health.visited }
    public var contact: Contact { health.contact }
}

/// Checks the fields of a registration (CONTRACT §4) and returns either the normalised
/// registration or every bad field at once, in the order of the form, unknown fields last.
public enum RegistrationValidator {
    /// The fields of each form, in the order errors are listed.
    public static func fields(for kind: PersonKind) -> [String] {
        let own = kind == .resident ? [RoomNumber.field] : [Department.field]
        return [PersonName.field, IdentityNumber.field, PhoneNumber.field] + own + HealthDeclaration.fields + [Consent.field]
    }

    /// - Parameters:
    ///   - fields: the submitted fields (a JSON object, or a form's fields).
    ///   - kind: the form: residents give `room`, workers may give `department`; the other
    ///     kind's field is an unknown field.
    ///   - rooms: the unit's room list (empty when it has none).
    ///   - regions: the region table that `visited` codes must be in.
    ///   - source: JSON (typed values) or form (text).
    ///   - today: the local date that a birth date may not be after.
    public static func validate(_ fields: [String: FieldValue], kind: PersonKind, rooms: [String],
                                regions: RegionTable, source: InputSource,
                                today: CalendarDate) -> Result<ValidRegistration, FieldErrors> {
        var c = FieldCollector(fields, source: source)
        let name = c.takeText(PersonName.field) { text in
            text.map(PersonName.parse) ?? .failure(.required(PersonName.field, en: "The name", zh: "姓名"))
        }
        let identity = c.takeText(IdentityNumber.field) { text in
            text.map { IdentityNumber.parse($0, today: today) }
                ?? .failure(.required(IdentityNumber.field, en: "The identity card number", zh: "身份证号码"))
        }
        let phone = c.takeText(PhoneNumber.field) { text in
            text.map(PhoneNumber.parse) ?? .failure(.required(PhoneNumber.field, en: "The mobile phone number", zh: "手机号码"))
        }
        var room: String?
        var department: String?
        let errorsBefore = c.errors.count
        switch kind {
        case .resident:
            room = c.takeText(RoomNumber.field) { RoomNumber.parse($0, rooms: rooms) }
        case .worker:
            // Optional: blank or absent is fine.
            department = c.takeText(Department.field) { text in
                text.map { Department.parse($0).map(Optional.some) } ?? .success(nil)
            } ?? nil
        }
        let ownFieldOK = c.errors.count == errorsBefore
        let health = HealthDeclaration.read(&c, regions: regions)
        _ = c.take(Consent.field) { Consent.read($0, source: source) }
        c.rejectUnasked(form: kind == .resident ? (en: "resident form", zh: "居民登记表") : (en: "worker form", zh: "员工登记表"))
        return c.result {
            guard let name, let identity, let phone, let health, ownFieldOK else { return nil }
            return ValidRegistration(kind: kind, name: name, identity: identity, phone: phone,
                                     room: room, department: department, health: health)
        }
    }
}
