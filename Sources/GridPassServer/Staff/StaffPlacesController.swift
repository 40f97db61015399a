import Foundation
import GridPassCore
import Hummingbird

/// `/staff` (the places of the user's scope as a tree), `/staff/places/CODE` (one place: what
/// is below it, who registered there), its print sheet and the poster rotation.
struct StaffPlacesController: Sendable {
    let env: StaffEnvironment

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff", home)
        env.get(router, "/staff/places/{code}", place)
        env.get(router, "/staff/places/{code}/posters.html", posters)
        env.post(router, "/staff/places/{code}/rotate", rotate)
    }

    func home(_ r: StaffRequest) async throws -> Response {
        let places = env.services.places
        let roots: [Place]
        if r.user.role == .admin {
            roots = try await places.children(of: nil)
        } else if let id = r.user.scopePlaceID, let scope = try await places.place(id: id) {
            roots = [scope]
        } else {
            throw StaffFailure.forbidden
        }
        var rows: [[String: Any]] = []
        for root in roots {
            let subtree = try await env.services.staff.places(under: root)
            let hasUnits = Set(subtree.filter { $0.kind == .unit }.compactMap(\.parentID))
            var depth: [Int64: Int] = [:]
            var doors: [Int64: Int] = [:]
            // Doors below each node, counted bottom-up.
            for node in subtree.reversed() {
                if node.isDoor(hasUnits: hasUnits.contains(node.id)) { doors[node.id, default: 0] += 1 }
                if let parent = node.parentID { doors[parent, default: 0] += doors[node.id] ?? 0 }
            }
            for node in subtree {
                let level = node.parentID.flatMap { depth[$0] }.map { $0 + 1 } ?? 0
                depth[node.id] = level
                guard node.kind != .unit else { continue }  // units are listed on their building's page
                rows.append(row(node, depth: level, doors: doors[node.id] ?? 0, r.s))
            }
        }
        return try env.page("staff-home", ["title": r.s["home_title"], "rows": rows], r)
    }

    func row(_ node: Place, depth: Int, doors: Int, _ s: StaffText) -> [String: Any] {
        var row: [String: Any] = ["name": node.name, "code": node.code, "kind": s.kind(node.kind), "kindClass": node.kind.rawValue,
                                  "href": "/staff/places/\(node.code)", "indent": min(depth, 8)]
        if doors > 0 {
            row["print"] = "/staff/places/\(node.code)/posters.html"
            row["doors"] = s.fill("doors_count", ["n": String(doors)])
        }
        if node.kind == .grid { row["coverage"] = "/staff/coverage/\(node.code)" }
        return row
    }

    func place(_ r: StaffRequest) async throws -> Response {
        let path = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        let node = path.place
        let s = r.s
        let children = try await env.services.places.children(of: node)
        let hasUnits = children.contains { $0.kind == .unit }
        let doors = try await env.services.places.doors(under: node).count
        var values: [String: Any] = [
            "title": node.name, "name": node.name, "fullName": path.fullName, "code": node.code, "kind": s.kind(node.kind),
            // Ancestors from the user's scope down (nothing above it is theirs to open).
            "crumbs": (r.user.role == .admin ? path.ancestors : Array(path.ancestors.drop { $0.id != r.user.scopePlaceID }))
                .map { ["name": $0.name, "href": "/staff/places/\($0.code)"] },
            "children": children.map { child in
                ["name": child.name, "code": child.code, "kind": s.kind(child.kind), "href": "/staff/places/\(child.code)"]
            },
            "hasChildren": !children.isEmpty,
        ]
        var facts: [[String: String]] = [["label": s["place_code"], "value": node.code], ["label": s["place_kind"], "value": s.kind(node.kind)]]
        if let households = node.households { facts.append(["label": s["households"], "value": String(households)]) }
        if !node.rooms.isEmpty { facts.append(["label": s["rooms"], "value": String(node.rooms.count)]) }
        if node.isDoor(hasUnits: hasUnits) {
            facts.append(["label": s["poster_serial"], "value": String(node.posterSerial)])
            values["rotate"] = "/staff/places/\(node.code)/rotate"
        }
        values["facts"] = facts
        if doors > 0 {
            values["print"] = "/staff/places/\(node.code)/posters.html"
            values["doors"] = s.fill("doors_count", ["n": String(doors)])
        }
        if node.kind == .grid, r.user.role != .hr { values["coverage"] = "/staff/coverage/\(node.code)" }
        if node.isDoor(hasUnits: hasUnits), IntakeService.personKind(at: path) != nil, r.user.role == .admin || r.user.role == .staff {
            values["assist"] = "/staff/places/\(node.code)/register"
        }
        if node.kind == .checkpoint, r.user.role == .admin || r.user.role == .staff {
            values["guardSignIn"] = ["print": "/staff/places/\(node.code)/guard-signin", "revoke": "/staff/places/\(node.code)/guard-signin/revoke"]
        }
        if let revoked = r.query("revoked") { values["notice"] = s.fill("signin_revoked", ["n": String(revoked.prefix(9))]) }
        if r.query("deleted") != nil { values["notice"] = s["deleted_done"] }
        if r.query("rotated") != nil { values["notice"] = s.fill("rotate_done", ["n": String(node.posterSerial)]) }
        // The people registered right here (a unit, a building without units, an enterprise).
        if [.unit, .building, .enterprise].contains(node.kind), !hasUnits {
            let today = Day(unixSeconds: r.now)
            let people = try await env.services.staff.people(under: node.id).filter { $0.placeID == node.id }
            values["peopleTitle"] = node.kind == .enterprise ? s["workers"] : s["residents"]
            values["showPeople"] = true
            values["people"] = people.map { StaffPeopleRows.row($0, where: $0.room ?? "", today: today, s) }
            values["hasPeople"] = !people.isEmpty
        }
        return try env.page("staff-place", values, r)
    }

    func posters(_ r: StaffRequest) async throws -> Response {
        let path = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        let (title, posters): (String, [PosterSpec])
        do {
            (title, posters) = try await PosterService(services: env.services).posters(for: path.place.code, publicURL: env.publicURL)
        } catch let failure as PosterService.Failure {
            throw StaffFailure.invalid(failure.description)
        }
        try await env.audit(.print, r, target: "place:" + path.place.code, detail: AuditDetail.make("printed", ["count": posters.count]))
        return Response.html(try PosterRenderer.html(posters, title: title))
    }

    func rotate(_ r: StaffRequest) async throws -> Response {
        let path = try await env.placeInScope(r.context.parameters.get("code") ?? "", r)
        let place: Place
        do {
            place = try await env.services.places.rotatePoster(code: path.place.code)
        } catch let error as RepositoryError {
            throw StaffFailure.invalid(error.description)
        }
        try await env.audit(.rotate, r, target: "place:" + place.code, detail: AuditDetail.make("rotated", ["serial": place.posterSerial]))
        return Response(status: .seeOther, headers: [.location: "/staff/places/\(place.code)?rotated=\(place.posterSerial)"])
    }
}

/// Rows of people lists (masked names) shared by the place, coverage and risk pages.
enum StaffPeopleRows {
    static func row(_ p: CoveragePerson, where place: String, today: Day, _ s: StaffText) -> [String: Any] {
        ["name": NameMask.mask(p.name), "href": "/staff/people/\(p.id)", "where": place, "kind": s["kind_" + p.kind.rawValue],
         "status": s.status(p.status), "pending": p.status != .active,
         "color": p.color?.rawValue ?? "none", "colorName": p.status == .active ? s.colorShort(p.color) : s.status(p.status),
         "lastReport": s.day(p.lastReport, today: today), "reportedToday": p.lastReport == today]
    }
}
