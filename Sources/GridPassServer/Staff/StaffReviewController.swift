import Foundation
import GridPassCore
import Hummingbird

/// `/staff/review`: the workers waiting for their enterprise's approval (HR sees their own
/// enterprise, admins every one); approve or reject with an optional reason.
struct StaffReviewController: Sendable {
    let env: StaffEnvironment

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/review", roles: [.admin, .hr], queue)
        env.post(router, "/staff/review/{id}", roles: [.admin, .hr], decide)
    }

    func queue(_ r: StaffRequest) async throws -> Response {
        let s = r.s
        let enterpriseID = r.user.role == .admin ? nil : r.user.scopePlaceID
        guard r.user.role == .admin || enterpriseID != nil else { throw StaffFailure.forbidden }
        let pending = try await env.services.people.pendingWorkers(enterpriseID: enterpriseID)
        var names: [Int64: String] = [:]
        for id in Set(pending.map(\.placeID)) { names[id] = try await env.services.places.place(id: id)?.name }
        // HR must recognise whom they approve: the queue shows names in full, and nothing else
        // that identifies (identity number and phone stay on the audited person page).
        let rows: [[String: Any]] = pending.map { p in
            var row: [String: Any] = ["id": p.id, "name": p.name, "enterprise": names[p.placeID] ?? "",
                                      "registeredAt": s.time(p.createdAt), "action": "/staff/review/\(p.id)",
                                      "href": "/staff/people/\(p.id)"]
            if let department = p.department, !department.isEmpty { row["department"] = department }
            return row
        }
        var values: [String: Any] = ["title": s["review_title"], "rows": rows, "empty": rows.isEmpty,
                                     "showEnterprise": r.user.role == .admin]
        if let done = r.query("done"), let id = r.query("id"), let person = try await env.services.people.person(id: String(id)),
           Access.mayReview(r.user, enterpriseID: person.placeID) {
            values["notice"] = s.fill(done == "approve" ? "review_done_approve" : "review_done_reject", ["name": NameMask.mask(person.name)])
        }
        return try env.page("staff-review", values, r)
    }

    func decide(_ r: StaffRequest) async throws -> Response {
        let id = r.context.parameters.get("id") ?? ""
        let action = r.form["action"]
        guard action == "approve" || action == "reject" else { throw StaffFailure.invalid("action must be approve or reject") }
        let reason = (r.form["reason"] ?? "").trimmingSpaces
        guard reason.count <= 200 else { throw StaffFailure.invalid("理由不能超过200字 / The reason may have at most 200 characters.") }
        let person = try await StaffActions(env: env).review(id, approve: action == "approve", reason: reason.isEmpty ? nil : reason, r)
        return Response(status: .seeOther, headers: [.location: "/staff/review?done=\(action!)&id=\(person.id)"])
    }
}
