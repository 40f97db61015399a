import Foundation
import GridPassCore
import Hummingbird

/// `/staff/risk`: the risk regions (admins change them) and the people of the user's scope
/// with an open staff flag.
struct StaffRiskController: Sendable {
    let env: StaffEnvironment

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/risk", roles: [.admin, .staff], show)
        env.post(router, "/staff/risk", roles: [.admin], set)
    }

    func show(_ r: StaffRequest) async throws -> Response {
        var notice: String?
        if let region = r.query("region"), let level = r.query("level"), let n = r.query("n") {
            let label = RiskLevel(rawValue: String(level)).map { r.s["risk_" + $0.rawValue] } ?? r.s["risk_remove"]
            notice = r.s.fill("risk_done", ["region": env.services.regions.fullName(region).map { "\($0)（\(region)）" } ?? String(region.prefix(6)),
                                             "level": label, "n": String(Int(n) ?? 0)])
        }
        return try await page(r, notice: notice, error: nil, status: .ok)
    }

    func set(_ r: StaffRequest) async throws -> Response {
        let region = (r.form["region"] ?? "").trimmingSpaces
        let levelText = r.form["level"] ?? ""
        let level = RiskLevel(rawValue: levelText)
        guard env.services.regions.contains(region), level != nil || levelText == "none" else {
            return try await page(r, notice: nil, error: r.s["risk_bad_region"], status: .unprocessableContent)
        }
        let count = try await StaffActions(env: env).setRisk(region: region, level: level, r)
        return Response(status: .seeOther, headers: [.location: "/staff/risk?region=\(region)&level=\(level?.rawValue ?? "none")&n=\(count)"])
    }

    func page(_ r: StaffRequest, notice: String?, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let s = r.s
        let list = try await env.services.health.riskList()
        let regions: [[String: Any]] = list.keys.sorted().map { code in
            ["code": code, "name": env.services.regions.fullName(code) ?? "", "level": list[code]!.rawValue,
             "levelName": s["risk_" + list[code]!.rawValue]]
        }
        let root = r.user.role == .admin ? nil : r.user.scopePlaceID
        let flagged = try await env.services.staff.flaggedPeople(under: root)
        var labels: [Int64: String] = [:]
        for id in Set(flagged.map(\.person.placeID)) {
            if let place = try await env.services.places.place(id: id) {
                labels[id] = PosterRenderer.nameLines(try await env.services.places.path(of: place)).1
            }
        }
        let today = Day(unixSeconds: r.now)
        let rows: [[String: Any]] = flagged.map { f in
            var row = StaffPeopleRows.row(f.person, where: (labels[f.person.placeID] ?? "") + (f.person.room.map { " " + $0 } ?? ""),
                                          today: today, s)
            row["flag"] = s.flag(f.flag)
            row["flaggedAt"] = s.time(f.at)
            return row
        }
        var values: [String: Any] = ["title": s["risk_title"], "regions": regions, "hasRegions": !regions.isEmpty,
                                     "isAdmin": r.user.role == .admin, "flagged": rows, "hasFlagged": !rows.isEmpty]
        if let notice { values["notice"] = notice }
        if let error { values["error"] = error }
        return try env.page("staff-risk", values, r, status: status)
    }
}
