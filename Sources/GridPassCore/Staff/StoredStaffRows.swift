/// How the rows of the staff store (users, the audit log, the coverage and risk lists, the
/// operations figures) become values: the same on every backend, so each repository only reads
/// its columns as stored (raw values as text, blobs as bytes) and hands them here.

extension UserRecord {
    /// A stored user. A role this build does not know reads as `guard`, the one with the fewest rights.
    public init(id: Int64, name: String, storedRole: String, scopePlaceID: Int64?, passwordHash: String?) {
        self.init(id: id, name: name, role: Role(rawValue: storedRole) ?? .guard_, scopePlaceID: scopePlaceID,
                  passwordHash: passwordHash)
    }

    /// What `UserRepository.addUser` throws when the name is taken.
    public static func nameTaken(_ name: String) -> RepositoryError {
        .invalid("a user named '\(name)' exists already")
    }
}

extension AuditEntry {
    /// A stored entry; nil for an action this build does not know (it is left out of the log's pages).
    public init?(id: Int64, at: Int64, userID: Int64?, userName: String, storedAction: String, target: String,
                 detail: String, address: String?) {
        guard let action = Action(rawValue: storedAction) else { return nil }
        self.init(id: id, at: at, userID: userID, userName: userName, action: action, target: target, detail: detail, address: address)
    }
}

extension CoveragePerson {
    /// A stored person with the last day of their declarations (`lastDay`, a `Day` number).
    /// Unknown kinds read as resident, unknown statuses as pending, unknown colours as none.
    public init(storedRef: some Collection<UInt8>, kind: String, status: String, placeID: Int64, name: String, room: String?,
                color: String?, lastDay: Int?) {
        self.init(id: PersonRef(bytes: storedRef)?.hex ?? "", kind: PersonKind(rawValue: kind) ?? .resident,
                  status: PersonRecord.Status(rawValue: status) ?? .pending, placeID: placeID, name: name, room: room,
                  color: color.flatMap(HealthColor.init(rawValue:)), lastReport: lastDay.map(Day.init(number:)))
    }
}

extension FlaggedPerson {
    /// A person with their latest flag as stored; nil for a flag kind this build does not know.
    public init?(person: CoveragePerson, storedFlag: String, at: Int64) {
        guard let flag = StaffFlagKind(rawValue: storedFlag) else { return nil }
        self.init(person: person, flag: flag, at: at)
    }
}

extension PeopleCount {
    /// One group of `SELECT kind, status, color, COUNT(*) … GROUP BY kind, status, color`; nil for
    /// a kind or status this build does not know.
    public init?(storedKind: String, status: String, color: String?, count: Int) {
        guard let kind = PersonKind(rawValue: storedKind), let status = PersonRecord.Status(rawValue: status) else { return nil }
        self.init(kind: kind, status: status, color: color.flatMap(HealthColor.init(rawValue:)), count: count)
    }
}
