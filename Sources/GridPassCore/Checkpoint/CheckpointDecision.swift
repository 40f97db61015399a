/// What a guard sees after a scan (CONTRACT §6).
public struct Verdict: Sendable, Equatable {
    public enum Result: String, Sendable {
        case pass, stop, invalid
    }

    public let result: Result
    /// `ok` for a pass; otherwise why: `malformed`, `bad_signature`, `unknown_key`, `expired`,
    /// `superseded`, `revoked`, `not_found`, `yellow`, `red`, `not_employed_here`, `not_resident`.
    public let reason: String
    public let color: HealthColor?

    public init(_ result: Result, _ reason: String, color: HealthColor? = nil) {
        self.result = result
        self.reason = reason
        self.color = color
    }
}

/// The stored state of the person a code names, as far as a checkpoint needs it.
public struct PersonStanding: Sendable, Equatable {
    public var kind: PersonKind
    public var status: PersonRecord.Status
    public var statusVersion: UInt32
    /// The person's door (unit, building or enterprise) and its ancestors.
    public var place: PlacePath

    public init(kind: PersonKind, status: PersonRecord.Status, statusVersion: UInt32, place: PlacePath) {
        self.kind = kind
        self.status = status
        self.statusVersion = statusVersion
        self.place = place
    }
}

/// Decides pass, stop or invalid. Pure: the signature check, the stored standing and the
/// checkpoint are given.
public enum CheckpointDecision {
    /// - Parameters:
    ///   - code: the result of `HealthCode.verify`.
    ///   - person: the stored standing of `code`'s person, nil when no person has that reference.
    ///   - checkpoint: the checkpoint with its ancestors; nil when scanned without one (CLI).
    public static func decide(_ code: Result<HealthCodePayload, HealthCodeFailure>, person: PersonStanding?,
                              checkpoint: PlacePath?) -> Verdict {
        let payload: HealthCodePayload
        switch code {
        case .failure(let failure): return Verdict(.invalid, failure.wireReason)
        case .success(let p): payload = p
        }
        guard let person else { return Verdict(.invalid, "not_found") }
        guard person.status == .active else { return Verdict(.invalid, "revoked", color: payload.color) }
        guard payload.statusVersion == person.statusVersion else { return Verdict(.invalid, "superseded", color: payload.color) }
        switch payload.color {
        case .red: return Verdict(.stop, "red", color: .red)
        case .yellow: return Verdict(.stop, "yellow", color: .yellow)
        case .green: break
        }
        if let checkpoint, let refusal = mayNotPass(person, checkpoint) {
            return Verdict(.stop, refusal, color: .green)
        }
        return Verdict(.pass, "ok", color: .green)
    }

    /// Scan-to-work: an enterprise's checkpoint passes only its approved workers; a community's
    /// gate (a checkpoint under a community or grid) only residents of that community.
    static func mayNotPass(_ person: PersonStanding, _ checkpoint: PlacePath) -> String? {
        if let enterprise = checkpoint.ancestors.last, enterprise.kind == .enterprise {
            return person.kind == .worker && person.place.place.id == enterprise.id ? nil : "not_employed_here"
        }
        guard let community = checkpoint.nearest(.community) else { return nil }
        let home = person.place.ancestors.contains { $0.id == community.id }
        return person.kind == .resident && home ? nil : "not_resident"
    }
}
