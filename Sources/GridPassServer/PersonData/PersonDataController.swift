import Foundation
import GridPassCore
import Hummingbird

/// The person's data (CONTRACT §12, PIPL): `GET ME_URL/export` (everything stored about them,
/// their fields decrypted), `POST ME_URL/delete` `{"confirm": true}` (and the personal page's
/// form), `DELETE /api/v1/people/ID` and the staff person page for staff in scope. After a
/// deletion their codes and cards answer `not_found`, their page 404, and the audit log keeps
/// only that a deletion happened.
struct PersonDataController: Sendable {
    let env: StaffEnvironment

    var services: AppServices { env.services }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/me/{token}/export", use: export)
        router.post("/me/{token}/delete", use: deleteOwn)
        router.delete("/api/v1/people/{id}", use: deleteByStaff)
        env.post(router, "/staff/people/{id}/delete", roles: [.admin, .staff], deletePage)
    }

    func person(_ context: AppRequestContext) async throws -> PersonRecord { try await services.person(ofPage: context) }

    // MARK: - Export

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let ref = person.ref
        let contact = try await services.people.contact(of: person.id)
        let record = try await services.health.healthRecord(ref)
        let door = try await services.places.path(placeID: person.placeID)
        var scans: [[String: Any]] = []
        for scan in try await services.people.scans(of: ref) {
            var checkpoint: String?
            if let id = scan.checkpointID { checkpoint = try await services.placeCache.place(id: id)?.fullName }
            scans.append(["at": isoTime(scan.at), "checkpoint": checkpoint.map { $0 as Any } ?? NSNull(), "result": scan.result, "reason": scan.reason])
        }
        let nullable: (Any?) -> Any = { $0 ?? NSNull() }
        let document: [String: Any] = [
            "exported_at": isoTime(Int64(Date().timeIntervalSince1970)),
            "person": [
                "person_id": person.id, "kind": person.kind.rawValue, "status": person.status.rawValue, "name": person.name,
                "id_number": nullable(contact?.idNumber), "phone": nullable(contact?.phone), "room": nullable(person.room),
                "department": nullable(person.department), "door": nullable(door?.fullName), "registered_at": isoTime(person.createdAt),
                "review_reason": nullable(person.reviewReason),
            ] as [String: Any],
            "health": [
                "color": nullable(record?.color?.rawValue), "status_version": nullable(record.map { Int($0.statusVersion) }),
                "reasons": (record?.reasons ?? []).map(\.zh),
                "current_code": record?.code.map { ["payload": $0.payload, "color": $0.color.rawValue, "issued_at": isoTime($0.issuedAt),
                                                    "expires_at": isoTime($0.expiresAt)] as [String: Any] } as Any? ?? NSNull(),
                "flags": (record?.flags ?? []).map { ["flag": $0.kind.rawValue, "day": $0.day.iso] },
            ] as [String: Any],
            "declarations": try await services.health.declarations(of: ref).map { d in
                ["id": d.id, "at": isoTime(d.at), "source": d.source, "temperature": d.temperature, "symptoms": d.symptoms, "visited": d.visited,
                 "contact": d.contact, "entered_by_staff": d.enteredBy != nil, "struck": d.struckAt != nil] as [String: Any]
            },
            "cards": try await services.people.cards(of: ref).map { ["printed_at": isoTime($0.createdAt), "revoked_at": nullable($0.revokedAt.map(isoTime))] },
            "appeals": try await services.health.appeals(of: ref).map(AppealService.own),
            "problems": try await services.channel.problems(of: ref).map(ChannelController.problemJSON),
            "visitors": try await services.channel.visitors(of: ref).map(ChannelController.visitorJSON),
            "scans": scans,
        ]
        var response = Response.json(document)
        response.headers[.contentDisposition] = "attachment; filename=\"gridpass-my-data.json\""
        return response
    }

    // MARK: - Deletion

    /// Deletes the person and writes that a deletion happened (nothing else about them).
    func delete(_ person: PersonRecord, by user: UserRecord?, context: AppRequestContext) async throws {
        guard try await services.people.delete(person.ref) else { throw APIError(.notFound, code: "not_found", message: "no such person") }
        try await env.audit(.deletion, by: user, name: user?.name ?? "本人 / the person", target: "person:deleted",
                            detail: AuditDetail.make(user == nil ? "deleted_self" : "deleted_request"),
                            context: context, now: Int64(Date().timeIntervalSince1970))
    }

    @Sendable func deleteOwn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let person = try await person(context)
        let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        let fields: [String: FieldValue] = isForm ? FormBody.fields(String(buffer: try await request.body.collect(upTo: RegistrationController.maxBody)))
                                                  : try await RegistrationController.jsonFields(request, context: context)
        let confirmed: Bool
        switch fields["confirm"] {
        case .bool(true)?: confirmed = true
        case .string(let s)? where ["true", "yes", "on"].contains(s): confirmed = true
        default: confirmed = false
        }
        guard confirmed else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "confirm", code: .required,
                message: "confirm must be true: deleting cannot be undone.", messageZH: "请勾选确认：删除后无法恢复。")]))
        }
        try await delete(person, by: nil, context: context)
        if isForm {
            let t = Language(request).strings
            return try services.pages.page("message", ["title": t["deleted_title"]!, "body": t["deleted_body"]!, "kind": "notice"],
                                           language: Language(request))
        }
        return Response.json(["deleted": true])
    }

    @Sendable func deleteByStaff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = context.parameters.get("id") ?? ""
        let person: PersonRecord
        do { person = try await PersonActions(services: services, codes: env.codes).personInScope(id, of: user).0 } catch PersonActions.Refusal.notFound {
            throw APIError(.notFound, code: "not_found", message: "no person has the id '\(id)'")
        } catch {
            throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers this person may delete their registration")
        }
        try await delete(person, by: user, context: context)
        return Response.json(["deleted": true])
    }

    func deletePage(_ r: StaffRequest) async throws -> Response {
        let (person, path) = try await env.personInScope(r.context.parameters.get("id") ?? "", r)
        guard r.form["confirm"] == "yes" else { throw StaffFailure.invalid(r.s["delete_confirm_needed"]) }
        try await delete(person, by: r.user, context: r.context)
        return Response(status: .seeOther, headers: [.location: "/staff/places/\(path.place.code)?deleted=1"])
    }
}
