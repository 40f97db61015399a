import Foundation
import GridPassCore
import Hummingbird

/// `/staff/people/ID`: one person, masked by default. Revealing the name, identity number or
/// phone (`POST …/reveal`) is written to the audit log; staff may set flags (`POST …/flags`).
struct StaffPersonController: Sendable {
    let env: StaffEnvironment

    enum Field: String, CaseIterable {
        case name, idNumber = "id_number", phone
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        env.get(router, "/staff/people/{id}", show)
        env.post(router, "/staff/people/{id}/reveal", reveal)
        env.post(router, "/staff/people/{id}/flags", flag)
    }

    func show(_ r: StaffRequest) async throws -> Response {
        let (person, path) = try await env.personInScope(r.context.parameters.get("id") ?? "", r)
        var notice: String?
        if let flag = r.query("flagged").flatMap({ StaffFlagKind(rawValue: String($0)) }) { notice = r.s.fill("flag_done", ["flag": r.s.flag(flag)]) }
        if r.query("reported") != nil { notice = r.s["report_entered"] }
        if r.query("registered") != nil { notice = r.s["registered_done"] }
        return try await page(person, path, revealed: [:], notice: notice, r)
    }

    func reveal(_ r: StaffRequest) async throws -> Response {
        let (person, path) = try await env.personInScope(r.context.parameters.get("id") ?? "", r)
        guard let field = r.form["field"].flatMap(Field.init(rawValue:)) else {
            throw StaffFailure.invalid("field must be name, id_number or phone")
        }
        var revealed: [Field: String] = [:]
        switch field {
        case .name:
            revealed[.name] = person.name
        case .idNumber, .phone:
            guard let contact = try await env.services.people.contact(of: person.id) else { throw StaffFailure.notFound }
            revealed[field] = field == .idNumber ? contact.idNumber : contact.phone
        }
        try await env.audit(.reveal, r, target: StaffActions.target(person), detail: field.rawValue)
        return try await page(person, path, revealed: revealed, notice: nil, r)
    }

    func flag(_ r: StaffRequest) async throws -> Response {
        let id = r.context.parameters.get("id") ?? ""
        guard let kind = r.form["flag"].flatMap(StaffFlagKind.init(rawValue:)) else {
            throw StaffFailure.invalid("flag must be confirmed, suspected, close_contact or cleared")
        }
        let person = try await StaffActions(env: env).flag(id, kind: kind, r)
        return Response(status: .seeOther, headers: [.location: "/staff/people/\(person.id)?flagged=\(kind.rawValue)"])
    }

    func page(_ person: PersonRecord, _ path: PlacePath, revealed: [Field: String], notice: String?, _ r: StaffRequest) async throws -> Response {
        let s = r.s
        let en = r.language == .en
        let record = try await env.services.health.healthRecord(person.ref)
        let today = Day(unixSeconds: r.now)
        let base = "/staff/people/\(person.id)"
        let fields: [[String: Any]] = Field.allCases.map { field in
            var row: [String: Any] = ["label": s[field == .name ? "full_name" : field.rawValue], "field": field.rawValue,
                                      "action": base + "/reveal"]
            if let value = revealed[field] { row["value"] = value } else { row["hidden"] = true }
            return row
        }
        // Every stored declaration (struck ones marked), the newest seven.
        let declarations = try await env.services.health.declarations(of: person.ref).suffix(7).reversed().map { d in
            let day = Day(unixSeconds: d.at)
            return ["day": s.day(day, today: today), "temperature": String(format: "%.1f", d.temperature),
                    "symptoms": d.symptoms.map { r.language.strings[$0] ?? $0 }.joined(separator: "、").ifEmpty(s["none"]),
                    "visited": d.visited.map { env.services.regions.fullName($0) ?? $0 }.joined(separator: "、").ifEmpty(s["none"]),
                    "contact": r.language.strings["contact_" + d.contact] ?? d.contact, "today": day == today,
                    "byStaff": d.enteredBy != nil, "struck": d.struckAt != nil, "id": d.id] as [String: Any]
        }
        let flags = (record?.flags ?? []).reversed().map { ["flag": s.flag($0.kind), "day": s.language.date($0.day)] }
        var values: [String: Any] = [
            "title": NameMask.mask(person.name), "maskedName": NameMask.mask(person.name), "fullName": path.fullName,
            "room": person.room ?? "", "kind": s["kind_" + person.kind.rawValue],
            "status": s.status(person.status), "active": person.status == .active, "placeHref": "/staff/places/\(path.place.code)",
            "color": record?.color?.rawValue ?? "none", "colorName": s.color(person.status == .active ? record?.color : nil),
            "reasons": (record?.reasons ?? []).map { en ? $0.en : $0.zh }, "hasReasons": !(record?.reasons ?? []).isEmpty,
            "fields": fields, "declarations": Array(declarations), "hasDeclarations": !declarations.isEmpty,
            "flags": Array(flags), "hasFlags": !flags.isEmpty,
            "mayFlag": r.user.role == .admin || r.user.role == .staff, "flagAction": base + "/flags",
            "cardAction": base + "/card", "reportAction": base + "/report", "deleteAction": base + "/delete",
            "symptomChoices": RegistrationForm.symptoms.map { ["code": $0, "label": r.language.strings[$0] ?? $0] },
            "contactChoices": RegistrationForm.contacts.map { ["value": $0, "label": r.language.strings["contact_" + $0] ?? $0] },
            "flagKinds": StaffFlagKind.allCases.map { ["value": $0.rawValue, "label": s.flag($0)] },
            "registeredAt": s.time(person.createdAt),
        ]
        if let reason = person.reviewReason, !reason.isEmpty { values["reviewReason"] = reason }
        if let department = person.department, !department.isEmpty { values["department"] = department }
        if let notice { values["notice"] = notice }
        return try env.page("staff-person", values, r)
    }
}

fileprivate extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
