import Foundation
import GridPassCore
import Hummingbird

/// `/staff/audit` (admins): who did what, when, to whom; newest first, 100 a page.
struct StaffAuditController: Sendable {
    let env: StaffEnvironment
    static let pageSize = 100

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/audit", roles: [.admin], show)
    }

    func show(_ r: StaffRequest) async throws -> Response {
        let s = r.s
        let before = r.query("before").flatMap { Int64(String($0)) }
        let entries = try await env.services.staff.audit(before: before, limit: Self.pageSize)
        let text = AuditText(s: s, services: env.services)
        // A page names the same few places and people again and again: each is looked up once.
        var targets: [String: String] = [:]
        for target in Set(entries.map(\.target)) { targets[target] = try await text.target(target) }
        let rows: [[String: Any]] = entries.map { e in
            ["at": s.time(e.at), "user": e.userName, "action": s["action_" + e.action.rawValue], "actionCode": e.action.rawValue,
             "target": targets[e.target] ?? e.target, "detail": text.detail(e), "address": e.address ?? ""]
        }
        var values: [String: Any] = ["title": s["audit_title"], "rows": rows, "empty": rows.isEmpty]
        if entries.count == Self.pageSize, let last = entries.last { values["older"] = "/staff/audit?before=\(last.id)" }
        return try env.page("staff-audit", values, r)
    }
}
