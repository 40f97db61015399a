import Foundation
import GridPassCore

/// The state changes that both the JSON API and the staff pages make on a person — reviewing a
/// worker and setting a staff flag — with one set of permission checks, and the person's code
/// recomputed afterwards. Callers turn `Refusal` into their own answer (JSON or a page).
struct PersonActions: Sendable {
    let services: AppServices
    let codes: HealthCodeService

    enum Refusal: Error, Equatable {
        case notFound, forbidden
    }

    /// The worker `id`, if `user` may review them: HR of their enterprise, or an admin.
    func worker(_ id: String, reviewableBy user: UserRecord) async throws -> PersonRecord {
        guard let person = try await services.people.person(id: id), person.kind == .worker else { throw Refusal.notFound }
        guard Access.mayReview(user, enterpriseID: person.placeID) else { throw Refusal.forbidden }
        return person
    }

    /// Approves or rejects a worker.
    func review(_ id: String, approve: Bool, reason: String?, by user: UserRecord,
                now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> (PersonRecord, HealthRecord?) {
        _ = try await worker(id, reviewableBy: user)
        let reviewed = try await services.people.review(personID: id, approve: approve, reason: reason, now: now)
        return (reviewed, try await codes.refresh(reviewed.ref, now: now))
    }

    /// The person and their door, if `user` is staff (or admin) whose scope covers them.
    func personInScope(_ id: String, of user: UserRecord) async throws -> (PersonRecord, PlacePath) {
        guard let person = try await services.people.person(id: id),
              let path = try await services.places.path(placeID: person.placeID) else { throw Refusal.notFound }
        guard user.role == .admin || user.role == .staff, Access.covers(user, path) else { throw Refusal.forbidden }
        return (person, path)
    }

    /// Sets a staff flag on a person in the user's scope.
    func flag(_ id: String, kind: StaffFlagKind, by user: UserRecord,
              now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> (PersonRecord, HealthRecord?) {
        let (person, _) = try await personInScope(id, of: user)
        try await services.health.addFlag(person.ref, kind: kind, by: user.id, now: now)
        return (person, try await codes.refresh(person.ref, now: now))
    }
}
