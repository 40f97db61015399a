import Foundation
import GridPassCore
import Hummingbird

/// `GET /me/TOKEN`: the person's own page behind an unguessable token — name (masked), place,
/// status, the current code in its colour with its reasons, and the daily report form.
struct PersonalPage: Sendable {
    let services: AppServices
    let codes: HealthCodeService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/me/{token}", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = context.parameters.get("token"), let person = try await services.people.person(meToken: token) else {
            let t = Language(request).strings
            return try services.pages.page("message", ["title": t["not_found_title"]!, "body": t["not_found_body"]!, "kind": "error"],
                                           language: Language(request), status: .notFound)
        }
        return try await page(person, request: request)
    }

    func page(_ person: PersonRecord, request: Request, submitted: [String: FieldValue] = [:], errors: FieldErrors? = nil,
              appealError: String? = nil) async throws -> Response {
        let language = Language(request)
        let t = language.strings
        let record = try await codes.refresh(person.ref)
        let place = try await services.places.path(placeID: person.placeID)?.fullName ?? ""
        var messages: [String: String] = [:]
        for error in errors?.errors ?? [] { messages[error.field] = error.message(in: language) }
        let chosen = Set(RegistrationForm.list(submitted["symptoms"]))
        let contact = submitted["contact"].map(RegistrationForm.text) ?? "none"
        var values: [String: Any] = [
            "title": t["me_title"]!, "maskedName": NameMask.mask(person.name), "fullName": place,
            "room": person.room ?? "", "statusText": t["status_" + person.status.rawValue] ?? person.status.rawValue,
            "base": "/me/\(person.meToken)",
            "symptoms": RegistrationForm.symptoms.map { ["code": $0, "label": t[$0] ?? $0, "checked": chosen.contains($0)] as [String: Any] },
            "contacts": RegistrationForm.contacts.map { ["value": $0, "label": t["contact_" + $0] ?? $0, "checked": $0 == contact] as [String: Any] },
            "v": ["temperature": submitted["temperature"].map(RegistrationForm.text) ?? "",
                  "visited": RegistrationForm.list(submitted["visited"]).joined(separator: ", ")],
            "errors": messages, "hasErrors": !messages.isEmpty,
        ]
        if let code = record?.code {
            values["code"] = [
                "color": code.color.rawValue, "colorName": t["color_" + code.color.rawValue] ?? code.color.rawValue,
                "expiresAt": language.time(code.expiresAt), "expiresUnix": code.expiresAt, "payload": code.payload,
                "reasons": (record?.reasons ?? []).map { language == .en ? $0.en : $0.zh },
                "hasReasons": !(record?.reasons ?? []).isEmpty,
            ] as [String: Any]
        }
        // Appeals (CONTRACT §11): the person's own, and the form while none is open.
        let appeals = try await services.health.appeals(of: person.ref)
        values["appeals"] = appeals.map { a in
            var row: [String: Any] = ["reason": a.reason, "status": t["appeal_status_" + a.status.rawValue] ?? a.status.rawValue,
                                      "statusCode": a.status.rawValue]
            if let decision = a.decisionReason { row["decision"] = decision }
            return row
        }
        values["hasAppeals"] = !appeals.isEmpty
        values["mayAppeal"] = person.status == .active && !appeals.contains { $0.status == .open }
        if let appealError { values["appealError"] = appealError }
        // The grid's channel (CONTRACT §10): notices, problem reports, visitors.
        let now = Int64(Date().timeIntervalSince1970)
        let notices = try await ChannelService(services: services).notices(for: person, now: now)
        values["notices"] = notices.map { n in
            ["href": "/me/\(person.meToken)/notices/\(n.notice.id)", "title": n.notice.title, "unread": !n.read, "urgent": n.notice.urgent,
             "at": language.time(n.notice.createdAt)] as [String: Any]
        }
        values["hasNotices"] = !notices.isEmpty
        let unread = notices.filter { !$0.read }.count
        if unread > 0 { values["unreadCount"] = unread }
        let problems = try await services.channel.problems(of: person.ref)
        values["problems"] = problems.map { p in
            var row: [String: Any] = ["category": t["cat_" + p.category.rawValue] ?? p.category.rawValue, "text": p.text,
                                      "status": t["pstatus_" + p.status.rawValue] ?? p.status.rawValue]
            if let answer = p.answer { row["answer"] = answer }
            return row
        }
        values["hasProblems"] = !problems.isEmpty
        values["categories"] = ProblemCategory.allCases.map { ["value": $0.rawValue, "label": t["cat_" + $0.rawValue] ?? $0.rawValue] }
        let visitors = try await services.channel.visitors(of: person.ref)
        values["visitors"] = visitors.map { ["name": $0.name, "arrival": language.date($0.arrival), "until": language.date($0.until)] }
        values["hasVisitors"] = !visitors.isEmpty
        values["mayAnnounce"] = person.status == .active && person.kind == .resident
        let earliest = Day(unixSeconds: now).advanced(by: services.rules.visitorNoticeDays)
        values["earliestArrival"] = earliest.iso
        values["earliestArrivalText"] = language.date(earliest)
        return try services.pages.page("me", values, language: language, status: errors == nil ? .ok : .unprocessableContent)
    }
}

extension AppServices {
    /// The person of the personal page's secret in the path (`/me/{token}/…`), or 404 as JSON.
    func person(ofPage context: AppRequestContext) async throws -> PersonRecord {
        guard let token = context.parameters.get("token"), let person = try await people.person(meToken: token) else {
            throw APIError(.notFound, code: "not_found", message: "no personal page has this address")
        }
        return person
    }
}
