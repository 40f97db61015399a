import GridPassCore

/// The state changes the staff pages make, with the same checks and the same recomputation of
/// health codes as the JSON API (`ReviewController`, `FlagController`), plus an audit row.
struct StaffActions: Sendable {
    let env: StaffEnvironment

    var actions: PersonActions { PersonActions(services: env.services, codes: env.codes) }

    /// Runs a shared action, turning its refusals into the staff pages' failures.
    static func staffFailure<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as PersonActions.Refusal {
            throw refusal == .notFound ? StaffFailure.notFound : StaffFailure.forbidden
        }
    }

    /// Approves or rejects a worker; HR of their enterprise or an admin.
    func review(_ id: String, approve: Bool, reason: String?, _ r: StaffRequest) async throws -> PersonRecord {
        let (reviewed, _) = try await Self.staffFailure {
            try await actions.review(id, approve: approve, reason: reason, by: r.user, now: r.now)
        }
        try await env.audit(approve ? .approve : .reject, r, target: Self.target(reviewed), detail: reason ?? "")
        return reviewed
    }

    /// Sets a staff flag; staff whose scope covers the person, or an admin.
    func flag(_ id: String, kind: StaffFlagKind, _ r: StaffRequest) async throws -> PersonRecord {
        let (person, _) = try await Self.staffFailure { try await actions.flag(id, kind: kind, by: r.user, now: r.now) }
        try await env.audit(.flag, r, target: Self.target(person), detail: kind.rawValue)
        return person
    }

    /// Changes the risk list (admins); returns how many people it touches.
    func setRisk(region: String, level: RiskLevel?, _ r: StaffRequest) async throws -> Int {
        guard r.user.role == .admin else { throw StaffFailure.forbidden }
        let count = try await env.codes.setRisk(region: region, level: level, now: r.now)
        try await env.audit(.risk, r, target: "region:" + region, detail: AuditDetail.make("risk", ["level": level?.rawValue ?? "remove", "count": count]))
        return count
    }

    /// `person:ID (张*华)`: enough to find the record, without the name in clear.
    static func target(_ person: PersonRecord) -> String {
        "person:\(person.id) (\(NameMask.mask(person.name)))"
    }
}
