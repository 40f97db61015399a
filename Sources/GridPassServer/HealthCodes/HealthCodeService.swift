import Foundation
import GridPassCore

/// Keeps each person's colour and signed code up to date (CONTRACT §5). Every path that can
/// change a colour — registration, approval, reports, flags, risk changes, and reading the code
/// (time passes: recoveries, visits leaving the window) — ends in `refresh`.
public struct HealthCodeService: Sendable {
    let services: AppServices
    /// Lifetime of a code in seconds.
    let codeTTL: Int64

    public init(services: AppServices, codeTTL: Int) {
        self.services = services
        self.codeTTL = Int64(codeTTL)
    }

    /// Evaluates the rules for the person and stores a new status version and code when the
    /// colour or status changed, or a new code when the current one is half used up.
    /// Returns the up-to-date record (its `code` is nil unless the person is active).
    /// Reads first and takes the write lock only when something changes, or when the person is
    /// stale (their code does not pass until they are recomputed): pages poll this.
    @discardableResult
    public func refresh(_ ref: PersonRef, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> HealthRecord? {
        let health = services.health
        guard let record = try await health.healthRecord(ref) else { return nil }
        if !record.stale {
            guard try decide(now: now)(record, try await health.riskList()) != nil else { return record }
        }
        try await services.keyRing.refreshForSigning()
        return try await health.apply(ref, decide: decide(now: now))
    }

    /// The decision of `refresh` at time `now`, for the store to run inside its transaction.
    func decide(now: Int64) -> HealthDecision {
        { [self] record, risks in
            let evaluation = services.rules.evaluate(declarations: record.declarations, flags: record.flags, risks: risks,
                                                     today: Day(unixSeconds: now), regionName: { services.regions.fullName($0) })
            let active = record.person.status == .active
            let statusChanged = record.color != evaluation.color || active != (record.code != nil)
            let version = statusChanged ? record.statusVersion &+ 1 : record.statusVersion
            var code = active ? record.code : nil
            if active, statusChanged || code == nil || now - code!.issuedAt >= codeTTL / 2 || now >= code!.expiresAt {
                code = try sign(record.person.ref, color: evaluation.color, version: version, now: now)
            }
            guard statusChanged || code != record.code || evaluation.reasons != record.reasons else { return nil }
            return HealthUpdate(statusVersion: version, color: evaluation.color, reasons: evaluation.reasons, code: code)
        }
    }

    func sign(_ ref: PersonRef, color: HealthColor, version: UInt32, now: Int64) throws -> StoredCode {
        guard let key = services.keyRing.keys(refresh: true).current(.healthCodes) else { throw HealthCodeError("the key ring has no health-code key") }
        let payload = try HealthCode.sign(person: ref, color: color, statusVersion: version, issuedAt: now,
                                          expiresAt: now + codeTTL, with: key)
        return StoredCode(payload: payload, color: color, statusVersion: version, issuedAt: now, expiresAt: now + codeTTL)
    }

    /// Sets a region's risk level; in the same transaction, every code of everyone whose last
    /// days touch the region stops passing (they are marked stale). They get new codes when they
    /// open their page or when the background pass (`recomputeStale`) reaches them. Returns how
    /// many people the change touches.
    public func setRisk(region: String, level: RiskLevel?, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Int {
        try await services.health.setRisk(region: region, level: level, lookbackDays: services.rules.lookbackDays, now: now)
    }

    /// Recomputes up to `limit` stale people in one transaction, with the same decision as
    /// `refresh`; returns how many were taken (0 when none is left).
    public func recomputeStale(limit: Int, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Int {
        try await services.keyRing.refreshForSigning()
        return try await services.health.recomputeStale(limit: limit, decide: decide(now: now))
    }

    /// `{"payload", "color", "expires_at"}` of an active person's code, or nil.
    static func summary(_ code: StoredCode?) -> [String: Any]? {
        guard let code else { return nil }
        return ["payload": code.payload, "color": code.color.rawValue, "expires_at": isoTime(code.expiresAt)]
    }
}

struct HealthCodeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `2026-11-27T09:30:00Z`.
func isoTime(_ unix: Int64) -> String {
    UTCTimestamp.iso(unix)
}
