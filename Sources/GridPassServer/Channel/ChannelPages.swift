import Foundation
import GridPassCore
import Hummingbird

/// The staff pages of the grid's channel: notices (post, read counts, who has not read an urgent
/// one), the problem queue (answer, close; overdue marked), visitors, and the weekly summary
/// (printable HTML, CSV). Each lists what is at or below the user's scope (`?place=` narrows it).
struct ChannelPages: Sendable {
    let env: StaffEnvironment

    var services: AppServices { env.services }
    var channel: ChannelService { ChannelService(services: env.services) }
    static let roles: Set<UserRecord.Role> = [.admin, .staff]

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/notices", roles: Self.roles, notices)
        env.post(router, "/staff/notices", roles: Self.roles, postNotice)
        env.get(router, "/staff/notices/{id}", roles: Self.roles, notice)
        env.get(router, "/staff/problems", roles: Self.roles, problems)
        env.post(router, "/staff/problems/{id}/answer", roles: Self.roles, answer)
        env.post(router, "/staff/problems/{id}/close", roles: Self.roles, close)
        env.get(router, "/staff/problems/{id}/photo", roles: Self.roles, photo)
        env.get(router, "/staff/visitors", roles: Self.roles, visitors)
        env.get(router, "/staff/summary", roles: Self.roles, summary)
        env.get(router, "/staff/summary.csv", roles: Self.roles, summaryCSV)
    }

    /// `?place=` when given and covered, else the user's scope (the whole tree for an admin: its first root).
    func scope(_ r: StaffRequest) async throws -> PlacePath {
        var code = r.query("place")
        if code == nil || code == "" {
            if let id = r.user.scopePlaceID { code = try await services.places.place(id: id)?.code }
            else { code = try await services.places.children(of: nil).first?.code }
        }
        do { return try await channel.placeInScope(code ?? "", of: r.user) } catch ChannelService.Refusal.notFound {
            throw StaffFailure.notFound
        } catch {
            throw StaffFailure.forbidden
        }
    }

    func audit(_ action: AuditEntry.Action, _ r: StaffRequest, target: String, detail: String) async throws {
        try await env.audit(action, r, target: target, detail: detail)
    }

    // MARK: - Notices

    func notices(_ r: StaffRequest) async throws -> Response {
        let path = try await scope(r)
        var rows: [[String: Any]] = []
        for n in try await services.channel.notices(postedTo: try await channel.subtree(path.place), from: nil, to: nil) {
            guard let at = try await services.places.path(placeID: n.placeID) else { continue }
            let (reached, read) = try await channel.reach(n, at)
            rows.append(["href": "/staff/notices/\(n.id)", "title": n.title, "place": at.fullName.isEmpty ? at.place.name : at.place.name,
                         "urgent": n.urgent, "reached": reached, "read": read, "at": r.s.time(n.createdAt)])
        }
        var values: [String: Any] = ["title": r.s["notices_title"], "rows": rows, "hasRows": !rows.isEmpty, "place": path.place.code,
                                     "placeName": path.fullName]
        if r.query("posted") != nil { values["notice"] = r.s["notice_posted"] }
        return try env.page("staff-notices", values, r)
    }

    func postNotice(_ r: StaffRequest) async throws -> Response {
        var fields = FormBody.fields(r.formBody)
        fields[CSRFToken.field] = nil
        if fields["urgent"] == nil { fields["urgent"] = .bool(false) }
        do {
            let controller = ChannelController(env: env)
            let (path, title, text, urgent, expires) = try await controller.noticeInput(fields, user: r.user, now: r.now)
            let n = try await services.channel.addNotice(placeID: path.place.id, title: title, text: text, urgent: urgent, expiresAt: expires,
                                                         by: r.user.id, name: r.user.name, now: r.now)
            try await audit(.notice, r, target: "place:" + path.place.code, detail: AuditDetail.make("notice", ["id": n.id, "title": title]))
            return Response(status: .seeOther, headers: [.location: "/staff/notices?posted=1&place=\(path.place.code)"])
        } catch let error as APIError {
            if error.status == .forbidden { throw StaffFailure.forbidden }
            throw StaffFailure.invalid(error.fieldMessages(r.language))
        }
    }

    func notice(_ r: StaffRequest) async throws -> Response {
        guard let id = Int64(r.context.parameters.get("id") ?? "") else { throw StaffFailure.notFound }
        let (n, path): (NoticeRecord, PlacePath)
        do { (n, path) = try await channel.noticeInScope(id, of: r.user) } catch ChannelService.Refusal.notFound { throw StaffFailure.notFound } catch {
            throw StaffFailure.forbidden
        }
        let (reached, read) = try await channel.reach(n, path)
        var values: [String: Any] = ["title": n.title, "text": n.text, "urgent": n.urgent, "place": path.fullName, "by": n.createdByName,
                                     "at": r.s.time(n.createdAt), "reached": reached, "read": read]
        if n.urgent {
            // Who has not read an urgent notice, for a phone call (masked names; audited).
            var unread: [[String: Any]] = []
            for p in try await services.channel.noticeUnread(n.id, placeIDs: try await channel.subtree(path.place)) {
                unread.append(["name": NameMask.mask(p.name), "door": try await services.placeCache.place(id: p.placeID)?.fullName ?? "",
                               "room": p.room ?? "", "href": "/staff/people/\(p.id)"])
            }
            values["unread"] = unread
            values["hasUnread"] = !unread.isEmpty
            try await audit(.noticeUnread, r, target: "place:" + path.place.code, detail: AuditDetail.make("notice_unread", ["id": n.id, "count": unread.count]))
        }
        return try env.page("staff-notice", values, r)
    }

    // MARK: - Problems

    func problems(_ r: StaffRequest) async throws -> Response {
        let path = try await scope(r)
        let s = r.s
        var rows: [[String: Any]] = []
        for p in try await services.channel.problems(placeIDs: try await channel.subtree(path.place), status: nil, from: nil, to: nil).reversed() {
            rows.append(["id": p.id, "category": s["cat_" + p.category.rawValue], "text": p.text, "status": s["pstatus_" + p.status.rawValue],
                         "door": try await services.placeCache.place(id: p.placeID)?.fullName ?? "", "at": s.time(p.createdAt),
                         "answer": p.answer ?? "", "hasAnswer": p.answer != nil, "closed": p.status == .closed,
                         "overdue": p.isOverdue(now: r.now), "photo": p.hasPhoto ? "/staff/problems/\(p.id)/photo" : "",
                         "hasPhoto": p.hasPhoto, "fromPoster": p.person == nil,
                         "answerAction": "/staff/problems/\(p.id)/answer", "closeAction": "/staff/problems/\(p.id)/close"])
        }
        var values: [String: Any] = ["title": s["problems_title"], "rows": rows, "hasRows": !rows.isEmpty, "placeName": path.fullName]
        if r.query("answered") != nil { values["notice"] = s["problem_answered"] }
        if r.query("closed") != nil { values["notice"] = s["problem_closed"] }
        return try env.page("staff-problems", values, r)
    }

    func problemInScope(_ r: StaffRequest) async throws -> ProblemRecord {
        guard let id = Int64(r.context.parameters.get("id") ?? "") else { throw StaffFailure.notFound }
        do { return try await channel.problemInScope(id, of: r.user).0 } catch ChannelService.Refusal.notFound { throw StaffFailure.notFound } catch {
            throw StaffFailure.forbidden
        }
    }

    func answer(_ r: StaffRequest) async throws -> Response {
        let p = try await problemInScope(r)
        switch ChannelText.read(FormBody.fields(r.formBody)["text"], field: "text", max: 1000, multiline: true, zh: "答复") {
        case .failure(let e): throw StaffFailure.invalid(e.message(in: r.language))
        case .success(let text):
            guard try await services.channel.answerProblem(p.id, text: text, by: r.user.id, name: r.user.name, now: r.now) != nil else {
                throw StaffFailure.invalid(r.s["problem_closed"])
            }
            try await audit(.problemAnswer, r, target: "problem:\(p.id)", detail: text)
            return Response(status: .seeOther, headers: [.location: "/staff/problems?answered=\(p.id)"])
        }
    }

    func close(_ r: StaffRequest) async throws -> Response {
        let p = try await problemInScope(r)
        _ = try await services.channel.closeProblem(p.id, by: r.user.id, now: r.now)
        try await audit(.problemClose, r, target: "problem:\(p.id)", detail: AuditDetail.make("closed"))
        return Response(status: .seeOther, headers: [.location: "/staff/problems?closed=\(p.id)"])
    }

    func photo(_ r: StaffRequest) async throws -> Response {
        let p = try await problemInScope(r)
        guard let png = try await services.channel.problemPhoto(p.id) else { throw StaffFailure.notFound }
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    // MARK: - Visitors

    func visitors(_ r: StaffRequest) async throws -> Response {
        let path = try await scope(r)
        var rows: [[String: Any]] = []
        var communities = path.nearest(.community).map { [$0] } ?? []
        if communities.isEmpty { communities = try await services.staff.places(under: path.place).filter { $0.kind == .community } }
        for community in communities {
            for l in try await services.channel.visitors(communityID: community.id, on: nil, phoneIndex: nil) {
                rows.append(["name": NameMask.mask(l.visitor.name), "host": NameMask.mask(l.hostName),
                             "door": (try await services.placeCache.place(id: l.hostPlaceID)?.fullName ?? "") + (l.hostRoom.map { " " + $0 } ?? ""),
                             "arrival": r.language.date(l.visitor.arrival), "until": r.language.date(l.visitor.until)])
            }
        }
        try await audit(.visitorLookup, r, target: "place:" + path.place.code, detail: AuditDetail.make("visitors", ["count": rows.count]))
        return try env.page("staff-visitors", ["title": r.s["visitors_title"], "rows": rows, "hasRows": !rows.isEmpty, "placeName": path.fullName], r)
    }

    // MARK: - The weekly summary

    func weekly(_ r: StaffRequest) async throws -> WeeklySummary {
        let path = try await scope(r)
        var week = ISOWeek(containing: Day(unixSeconds: r.now))
        if let text = r.query("week"), !text.isEmpty {
            guard let w = ISOWeek(text) else { throw StaffFailure.invalid("week must be YYYY-Www, e.g. \(week)") }
            week = w
        }
        return try await channel.weekly(path.place, week: week, now: r.now)
    }

    func summary(_ r: StaffRequest) async throws -> Response {
        let s = try await weekly(r)
        let name = try await services.places.path(of: s.place).fullName
        return Response.html(try WeeklySummaryFormats.html(s, pages: services.pages, language: r.language, placeName: name,
                                                           csv: "/staff/summary.csv?place=\(s.place.code)&week=\(s.week)"))
    }

    func summaryCSV(_ r: StaffRequest) async throws -> Response {
        let s = try await weekly(r)
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"summary-\(s.place.code)-\(s.week).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: WeeklySummaryFormats.csv(s))))
    }
}

extension APIError {
    /// The messages of a 422's fields, in the page's language.
    func fieldMessages(_ language: Language) -> String {
        guard let fieldErrors, !fieldErrors.errors.isEmpty else { return message }
        return fieldErrors.messages(in: language)
    }
}
