import Foundation
import GridPassCore
import Hummingbird

/// `/staff/coverage/GRID`: households expected against registered, today's reports, colour
/// counts, the rooms nobody registered in and the people who have not reported today;
/// `/staff/coverage/GRID.csv?list=units|rooms|noreport` exports each list.
struct StaffCoverageController: Sendable {
    let env: StaffEnvironment

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/coverage/{code}", roles: [.admin, .staff], coverage)
    }

    enum List: String, CaseIterable {
        case units, rooms, noreport
    }

    func coverage(_ r: StaffRequest) async throws -> Response {
        var code = r.context.parameters.get("code") ?? ""
        let csv = code.hasSuffix(".csv")
        if csv { code.removeLast(4) }
        let path = try await env.placeInScope(code, r)
        guard path.place.kind == .grid else { throw StaffFailure.notFound }
        let report = try await compute(path.place, now: r.now)
        if csv {
            guard let list = r.query("list").flatMap({ List(rawValue: String($0)) }) else {
                throw StaffFailure.invalid("list must be one of units, rooms, noreport")
            }
            try await env.audit(.export, r, target: "place:" + code, detail: list.rawValue)
            return export(report, list: list, s: r.s)
        }
        return try env.page("staff-coverage", values(report, path: path, r.s), r)
    }

    /// The figures of a grid at `now`.
    func compute(_ grid: Place, now: Int64) async throws -> (Coverage, labels: [Int64: String]) {
        let doors = try await env.services.places.doors(under: grid)
        let homes = doors.filter { $0.place.kind == .unit || $0.place.kind == .building }
        let enterprises = doors.filter { $0.place.kind == .enterprise }.map(\.place)
        let people = try await env.services.staff.people(under: grid.id)
        var labels: [Int64: String] = [:]
        for home in homes { labels[home.place.id] = PosterRenderer.nameLines(home).1 }
        for enterprise in enterprises { labels[enterprise.id] = enterprise.name }
        return (Coverage(grid: grid, homes: homes, enterprises: enterprises, people: people, today: Day(unixSeconds: now)), labels)
    }

    func values(_ report: (Coverage, labels: [Int64: String]), path: PlacePath, _ s: StaffText) -> [String: Any] {
        let (c, labels) = report
        let code = c.grid.code
        let community = path.nearest(.community)?.name ?? ""
        return [
            "title": "\(c.grid.name) · \(s["coverage_title"])", "name": c.grid.name, "community": community, "code": code,
            "today": s.language.date(c.today), "placeHref": "/staff/places/\(code)",
            "registered": c.registeredHouseholds, "expected": c.expectedHouseholds.map(String.init) ?? s["cov_unknown"],
            "registeredPercent": c.registeredPercent.map { "\($0)%" } ?? "",
            "registeredBar": min(c.registeredPercent ?? 0, 100),
            "reported": c.reportedToday, "active": c.activePeople,
            "reportedPercent": c.reportedPercent.map { "\($0)%" } ?? "", "reportedBar": min(c.reportedPercent ?? 0, 100),
            "green": c.colors[.green] ?? 0, "yellow": c.colors[.yellow] ?? 0, "red": c.colors[.red] ?? 0,
            "greenLabel": s.colorShort(.green), "yellowLabel": s.colorShort(.yellow), "redLabel": s.colorShort(.red),
            "homes": c.homes.map { home in
                [
                    "label": labels[home.path.place.id] ?? home.path.place.name, "code": home.path.place.code,
                    "href": "/staff/places/\(home.path.place.code)",
                    "registered": home.registered, "expected": home.expected.map(String.init) ?? "–",
                    "missing": home.unregisteredRooms.count, "complete": home.unregisteredRooms.isEmpty && home.expected != nil,
                    "rooms": home.unregisteredRooms, "hasRooms": !home.unregisteredRooms.isEmpty,
                ] as [String: Any]
            },
            "allRegistered": c.homes.allSatisfy { $0.unregisteredRooms.isEmpty },
            "enterprises": c.enterprises.map { e in
                ["name": e.place.name, "href": "/staff/places/\(e.place.code)", "active": e.active, "pending": e.pending,
                 "reported": e.reportedToday] as [String: Any]
            },
            "hasEnterprises": !c.enterprises.isEmpty,
            "noreport": c.notReported.map { StaffPeopleRows.row($0, where: where_($0, labels), today: c.today, s) },
            "noreportCount": c.notReported.count,
            "allReported": c.notReported.isEmpty,
            "csvUnits": "/staff/coverage/\(code).csv?list=units", "csvRooms": "/staff/coverage/\(code).csv?list=rooms",
            "csvNoreport": "/staff/coverage/\(code).csv?list=noreport",
        ]
    }

    func where_(_ p: CoveragePerson, _ labels: [Int64: String]) -> String {
        let place = labels[p.placeID] ?? ""
        guard let room = p.room, !room.isEmpty else { return place }
        return place + " " + room
    }

    func export(_ report: (Coverage, labels: [Int64: String]), list: List, s: StaffText) -> Response {
        let (c, labels) = report
        let text: String
        switch list {
        case .units:
            text = CSVTable.render(header: ["code", "name", "expected", "registered", "unregistered_rooms", "residents"],
                                   rows: c.homes.map { h in
                [h.path.place.code, labels[h.path.place.id] ?? h.path.place.name, h.expected.map(String.init) ?? "",
                 String(h.registered), String(h.unregisteredRooms.count), String(h.residents)]
            })
        case .rooms:
            text = CSVTable.render(header: ["code", "name", "room"], rows: c.homes.flatMap { h in
                h.unregisteredRooms.map { [h.path.place.code, labels[h.path.place.id] ?? h.path.place.name, $0] }
            })
        case .noreport:
            text = CSVTable.render(header: ["person_id", "name", "kind", "place", "room", "last_report", "color"],
                                   rows: c.notReported.map { p in
                [p.id, NameMask.mask(p.name), p.kind.rawValue, labels[p.placeID] ?? "", p.room ?? "", p.lastReport?.iso ?? "",
                 p.color?.rawValue ?? ""]
            })
        }
        let file = "\(c.grid.code)-\(list.rawValue)-\(c.today.iso).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"\(file)\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
