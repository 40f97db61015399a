import Foundation
import GridPassCore

/// Appeals against a colour (CONTRACT §11, `AppealRecord`): the steps shared by the person's page,
/// the JSON API and the staff pages, with one set of permission checks, each step audited. A
/// decision never sets a colour: an upheld appeal corrects the person's declarations, and the
/// rules recompute the colour in the same transaction.
struct AppealService: Sendable {
    let services: AppServices
    let codes: HealthCodeService

    enum Refusal: Error, Equatable {
        case notFound, forbidden
        /// No `place` for a staff user's list.
        case placeRequired
    }

    /// Opens an appeal for the person (`AppealError.alreadyOpen` when one is open), audited.
    func open(_ person: PersonRecord, reason: String, address: String?, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> AppealRecord {
        let appeal = try await services.health.openAppeal(person.ref, reason: reason, now: now)
        try await services.staff.addAudit(AuditEntry(at: now, userID: nil, userName: NameMask.mask(person.name), action: .appeal,
                                                     target: "person:" + person.id, detail: AuditDetail.make("appeal_opened", ["id": appeal.id, "reason": reason]),
                                                     address: address))
        return appeal
    }

    /// The places whose people `user` may see appeals of: `place` and below it (every place for
    /// an admin without one).
    func placeIDs(for user: UserRecord, place code: String?) async throws -> [Int64]? {
        guard user.role == .admin || user.role == .staff else { throw Refusal.forbidden }
        guard let code, !code.isEmpty else {
            if user.role == .admin { return nil }
            throw Refusal.placeRequired
        }
        guard let place = try await services.places.place(code: code) else { throw Refusal.notFound }
        guard Access.covers(user, try await services.places.path(of: place)) else { throw Refusal.forbidden }
        return try await services.staff.places(under: place).map(\.id)
    }

    /// Appeals of people at or below `place` that `user` covers, oldest first (open ones only with `openOnly`).
    func list(for user: UserRecord, place: String?, openOnly: Bool = false) async throws -> [AppealListing] {
        try await services.health.appeals(placeIDs: try await placeIDs(for: user, place: place), status: openOnly ? .open : nil)
    }

    /// An appeal with its person, their door and declarations, if `user` (staff or admin) covers the person.
    func detail(_ id: Int64, for user: UserRecord) async throws -> (AppealRecord, PersonRecord, PlacePath, [StoredDeclaration]) {
        guard user.role == .admin || user.role == .staff else { throw Refusal.forbidden }
        guard let appeal = try await services.health.appeal(id: id), let person = try await services.people.person(id: appeal.person.hex),
              let path = try await services.places.path(placeID: person.placeID) else { throw Refusal.notFound }
        guard Access.covers(user, path) else { throw Refusal.forbidden }
        return (appeal, person, path, try await services.health.declarations(of: person.ref))
    }

    /// Upholds (with `correction`) or dismisses the appeal; the person recomputed by the rules; audited.
    func decide(_ id: Int64, upheld: Bool, reason: String, correction: AppealCorrection, by user: UserRecord, address: String?,
                now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> (AppealRecord, HealthRecord?) {
        let (_, person, _, _) = try await detail(id, for: user)
        let (appeal, record) = try await services.health.decideAppeal(id: id, upheld: upheld, reason: reason, by: user.id, name: user.name,
                                                                     correction: upheld ? correction : .none, now: now,
                                                                     decide: codes.decide(now: now))
        var args: [String: Any] = ["id": id, "reason": reason]
        if upheld, !correction.strike.isEmpty { args["struck"] = correction.strike.map(String.init).joined(separator: ", #") }
        if upheld, !correction.unvisit.isEmpty { args["unvisited"] = correction.unvisit.joined(separator: ",") }
        if let color = record?.color { args["color"] = color.rawValue }
        let detail = AuditDetail.make("appeal_decided", args)
        try await services.staff.addAudit(AuditEntry(at: now, userID: user.id, userName: user.name, action: upheld ? .appealUpheld : .appealDismissed,
                                                     target: "person:" + person.id, detail: detail, address: address))
        return (appeal, record)
    }

    /// Reads `strike` (declaration ids) and `unvisit` (region codes known to GridPass) of an uphold.
    func correction(_ fields: [String: FieldValue]) -> Result<AppealCorrection, FieldErrors> {
        var errors: [FieldError] = []
        var strike: [Int64] = []
        switch fields["strike"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                if case .number(let n) = item, let id = Int64(exactly: n) { strike.append(id); continue }
                if case .string(let s) = item, let id = Int64(s) { strike.append(id); continue }
                errors.append(FieldError(field: "strike", code: .invalidType, message: "strike must be a list of declaration ids (numbers).",
                                         messageZH: "strike 应为申报记录编号（数字）的列表。"))
                break
            }
        default:
            errors.append(FieldError(field: "strike", code: .invalidType, message: "strike must be a list of declaration ids (numbers).",
                                     messageZH: "strike 应为申报记录编号（数字）的列表。"))
        }
        var unvisit: [String] = []
        switch fields["unvisit"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let code) = item, services.regions.fullName(code) != nil else {
                    errors.append(FieldError(field: "unvisit", code: .unknownValue, message: "unvisit must be a list of region codes (GB/T 2260).",
                                             messageZH: "unvisit 应为地区代码的列表。"))
                    break
                }
                unvisit.append(code)
            }
        default:
            errors.append(FieldError(field: "unvisit", code: .invalidType, message: "unvisit must be a list of region codes (GB/T 2260).",
                                     messageZH: "unvisit 应为地区代码的列表。"))
        }
        if strike.count > 200 || unvisit.count > 200 {
            errors.append(FieldError(field: strike.count > 200 ? "strike" : "unvisit", code: .tooLong, message: "at most 200 items.",
                                     messageZH: "最多 200 项。"))
        }
        return errors.isEmpty ? .success(AppealCorrection(strike: strike, unvisit: unvisit)) : .failure(FieldErrors(errors))
    }

    /// The JSON of an appeal as the person sees it.
    static func own(_ a: AppealRecord) -> [String: Any] {
        ["id": a.id, "reason": a.reason, "status": a.status.rawValue, "decision_reason": a.decisionReason.map { $0 as Any } ?? NSNull()]
    }
}
