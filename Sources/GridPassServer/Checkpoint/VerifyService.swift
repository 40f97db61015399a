import Foundation
import GridPassCore

/// Checks a scanned health code at a checkpoint (CONTRACT §6) and logs the scan.
public struct VerifyService: Sendable {
    let services: AppServices
    /// Where scans go: batched by the server (`ScanLogWriter`), written at once by the CLI.
    let log: @Sendable (ScanRecord) async throws -> Void
    /// Place paths change only by imports; a few seconds late is fine for a gate.
    let paths = TTLCache<Int64, PlacePath>(ttl: .seconds(5))
    let checkpoints = TTLCache<String, PlacePath>(ttl: .seconds(5))

    public init(services: AppServices) {
        self.services = services
        self.log = { try await services.health.logScan($0) }
    }

    init(services: AppServices, log: @escaping @Sendable (ScanRecord) async throws -> Void) {
        self.services = services
        self.log = log
    }

    public struct Outcome: Sendable {
        public let verdict: Verdict
        public let maskedName: String?
        public let place: String?
        public let checkedAt: Int64

        public var json: [String: Any] {
            ["result": verdict.result.rawValue, "reason": verdict.reason,
             "color": (verdict.color?.rawValue).map { $0 as Any } ?? NSNull(),
             "name": maskedName.map { $0 as Any } ?? NSNull(), "place": place.map { $0 as Any } ?? NSNull(),
             "checked_at": isoTime(checkedAt)]
        }
    }

    public enum Failure: Error, Equatable {
        case unknownCheckpoint(String)
    }

    /// The checkpoint with its ancestors, or nil if the code names none.
    public func checkpoint(code: String) async throws -> PlacePath? {
        try await checkpoints.value(for: code) {
            guard let place = try await services.places.place(code: code), place.kind == .checkpoint else { return nil }
            return try await services.places.path(of: place)
        }
    }

    func path(placeID: Int64) async throws -> PlacePath? {
        try await paths.value(for: placeID) { try await services.places.path(placeID: placeID) }
    }

    /// Verifies `payload` at `checkpoint` (nil: signature and status only) and logs the scan.
    public func verify(_ payload: String, at checkpoint: PlacePath?, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Outcome {
        let keyRing = services.keyRing
        var code = HealthCode.verify(payload, keys: keyRing.keys(), now: now)
        if case .failure(.unknownKey) = code {  // a key rotated by a CLI command a moment ago
            code = HealthCode.verify(payload, keys: keyRing.keys(refresh: true), now: now)
        }
        var standing: PersonStanding?
        var name: String?
        let ref = try? code.get().person
        if let ref, let stored = try await services.health.standing(ref), let place = try await path(placeID: stored.placeID) {
            standing = PersonStanding(kind: stored.kind, status: stored.status, statusVersion: stored.statusVersion, place: place)
            name = NameMask.mask(stored.name)
        }
        let verdict = CheckpointDecision.decide(code, person: standing, checkpoint: checkpoint)
        services.metrics.verified(verdict)
        try await log(ScanRecord(checkpointID: checkpoint?.place.id, person: standing == nil ? nil : ref,
                                                     result: verdict.result.rawValue, reason: verdict.reason, at: now))
        return Outcome(verdict: verdict, maskedName: name, place: standing?.place.fullName, checkedAt: now)
    }
}
