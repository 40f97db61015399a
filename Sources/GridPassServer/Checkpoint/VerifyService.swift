import Foundation
import GridPassCore

/// Checks a scanned health code at a checkpoint (CONTRACT §6) and logs the scan; the same code
/// again at the same checkpoint within 3 s is answered but not logged again (`RepeatScanFilter`).
public struct VerifyService: Sendable {
    let services: AppServices
    /// Where scans go: batched by the server (`ScanLogWriter`), written at once by the CLI.
    let log: @Sendable (ScanRecord) async throws -> Void
    let checkpoints = TTLCache<String, PlacePath>(ttl: .seconds(5))
    let repeats: RepeatScanFilter

    public init(services: AppServices, repeatWindow: Duration = RepeatScanFilter.defaultWindow) {
        self.services = services
        self.log = { try await services.health.logScan($0) }
        self.repeats = RepeatScanFilter(window: repeatWindow)
    }

    /// With `log` receiving every scan instead of the database (the server's batch writer).
    public init(services: AppServices, repeatWindow: Duration = RepeatScanFilter.defaultWindow,
                log: @escaping @Sendable (ScanRecord) async throws -> Void) {
        self.services = services
        self.log = log
        self.repeats = RepeatScanFilter(window: repeatWindow)
    }

    public struct Outcome: Sendable {
        public let verdict: Verdict
        public let maskedName: String?
        public let place: String?
        public let checkedAt: Int64

        /// The answer of CONTRACT §6 as JSON (keys sorted), written straight into bytes: this is
        /// every scan's answer, and a dictionary of `Any` cost more than the signature check.
        public var jsonBytes: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(192)
            func field(_ key: StaticString, _ value: String?) {
                JSONWriter.writeRaw(key, into: &out)
                if let value { JSONWriter.writeString(value, into: &out) } else { JSONWriter.writeRaw("null", into: &out) }
            }
            JSONWriter.writeRaw(#"{"checked_at":"#, into: &out)
            JSONWriter.writeTimestamp(checkedAt, into: &out)
            field(#","color":"#, verdict.color?.rawValue)
            field(#","name":"#, maskedName)
            field(#","place":"#, place)
            field(#","reason":"#, verdict.reason)
            field(#","result":"#, verdict.result.rawValue)
            JSONWriter.writeRaw("}", into: &out)
            return out
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

    /// Verifies `payload` at `checkpoint` (nil: signature and status only) and logs the scan.
    /// A printed health card (`HealthCard`) answers as the person's current code would.
    public func verify(_ payload: String, at checkpoint: PlacePath?, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Outcome {
        if HealthCard.isCard(payload) { return try await verifyCard(payload, at: checkpoint, now: now) }
        let keyRing = services.keyRing
        var code = HealthCode.verify(payload, keys: keyRing.keys(), now: now)
        if case .failure(.unknownKey) = code {  // a key rotated by a CLI command (or another node) a moment ago
            try await keyRing.refreshForSigning()
            code = HealthCode.verify(payload, keys: keyRing.keys(refresh: true), now: now)
        }
        var standing: PersonStanding?
        var name: String?
        var placeName: String?
        let ref = try? code.get().person
        if let ref, let stored = try await services.health.standing(ref), let place = try await services.placeCache.place(id: stored.placeID) {
            standing = PersonStanding(kind: stored.kind, status: stored.status, statusVersion: stored.statusVersion, place: place.path)
            name = NameMask.mask(stored.name)
            placeName = place.fullName
        }
        let verdict = CheckpointDecision.decide(code, person: standing, checkpoint: checkpoint)
        services.metrics.verified(verdict)
        try await record(payload, ScanRecord(checkpointID: checkpoint?.place.id, person: standing == nil ? nil : ref,
                                             result: verdict.result.rawValue, reason: verdict.reason, at: now))
        return Outcome(verdict: verdict, maskedName: name, place: placeName, checkedAt: now)
    }

    /// Logs `scan` of the text `code` unless it is a repeat within the window.
    func record(_ code: String, _ scan: ScanRecord) async throws {
        guard !repeats.isRepeat(code, at: scan.checkpointID) else { return }
        try await log(scan)
    }

    /// A card: unknown → `not_found`, replaced by a newer card → `revoked`; otherwise the person's
    /// current code, brought up to date as their page would (colour, status, time), is verified in
    /// its place — the same decision and the same log as a scanned code.
    func verifyCard(_ text: String, at checkpoint: PlacePath?, now: Int64) async throws -> Outcome {
        let card = try await services.health.card(hash: try HealthCard.hash(text))
        var refusal: String?
        var current: String?
        if let card, card.revokedAt == nil {
            let codes = HealthCodeService(services: services, codeTTL: try await services.codeTTL())
            if let record = try await codes.refresh(card.person, now: now) {
                current = record.code?.payload
                if current == nil { refusal = "revoked" }  // no longer active (a rejected worker): the card does not pass
            } else {
                refusal = "not_found"
            }
        } else {
            refusal = card == nil ? "not_found" : "revoked"
        }
        if let current { return try await verify(current, at: checkpoint, now: now) }
        let verdict = Verdict(.invalid, refusal ?? "not_found")
        services.metrics.verified(verdict)
        try await record(text, ScanRecord(checkpointID: checkpoint?.place.id, person: nil, result: verdict.result.rawValue, reason: verdict.reason, at: now))
        return Outcome(verdict: verdict, maskedName: nil, place: nil, checkedAt: now)
    }
}
