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
    /// Reads first and takes the write lock only when something changes: pages poll this.
    @discardableResult
    public func refresh(_ ref: PersonRef, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> HealthRecord? {
        let health = services.health
        guard let record = try await health.healthRecord(ref) else { return nil }
        guard try decide(now: now)(record, try await health.riskList()) != nil else { return record }
        return try await health.apply(ref, decide: decide(now: now))
    }

    /// The decision of `refresh` at time `now`, for the store to run inside its transaction.
    func decide(now: Int64) -> HealthDecision {
        { [self] record, risks in
            let evaluation = services.rules.evaluate(declarations: record.declarations, flags: record.flags, risks: risks,
                                                     today: Day(unixSeconds: now))
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

    /// Sets a region's risk level and recomputes everyone whose last days touch it; returns how many.
    public func setRisk(region: String, level: RiskLevel?, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Int {
        let people = try await services.health.setRisk(region: region, level: level, lookbackDays: services.rules.lookbackDays, now: now)
        for ref in people { try await refresh(ref, now: now) }
        return people.count
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
