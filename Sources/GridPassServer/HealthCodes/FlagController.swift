import Foundation
import GridPassCore
import Hummingbird

/// Staff flags (`POST /api/v1/people/ID/flags`) and the risk list (`POST /api/v1/risk-regions`, admins).
struct FlagController: Sendable {
    let services: AppServices
    let codes: HealthCodeService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/people/{id}/flags", use: flag)
        router.post("/api/v1/risk-regions", use: setRisk)
        router.get("/api/v1/risk-regions", use: riskList)
    }

    @Sendable func flag(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = context.parameters.get("id") ?? ""
        let actions = PersonActions(services: services, codes: codes)
        do {
            _ = try await actions.personInScope(id, of: user)  // permission before the body is read
        } catch PersonActions.Refusal.notFound {
            throw APIError(.notFound, code: "not_found", message: "no person has the id '\(id)'")
        } catch PersonActions.Refusal.forbidden {
            throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers this person may flag them")
        }
        let fields = try await RegistrationController.jsonFields(request, context: context)
        guard case .string(let text)? = fields["flag"], let kind = StaffFlagKind(rawValue: text) else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "flag", code: fields["flag"] == nil ? .required : .unknownValue,
                message: "flag must be one of confirmed, suspected, close_contact, cleared.",
                messageZH: "flag 应为 confirmed、suspected、close_contact 或 cleared。")]))
        }
        if let extra = fields.keys.first(where: { $0 != "flag" }) {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: extra, code: .unknownField,
                message: "\(extra) is not a field of a flag.", messageZH: "\(extra) 不是标记的字段。")]))
        }
        let (person, record) = try await actions.flag(id, kind: kind, by: user)
        return Response.json(["person_id": person.id, "flag": kind.rawValue,
                              "color": (record?.color?.rawValue).map { $0 as Any } ?? NSNull(),
                              "health_code": HealthCodeService.summary(record?.code) ?? NSNull()], status: .created)
    }

    @Sendable func setRisk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.role == .admin else { throw APIError(.forbidden, code: "forbidden", message: "only admins change the risk list") }
        let fields = try await RegistrationController.jsonFields(request, context: context)
        var errors: [FieldError] = []
        var region = ""
        if case .string(let text)? = fields["region"], services.regions.contains(text) { region = text } else {
            errors.append(FieldError(field: "region", code: .unknownValue, message: "region must be a known 6-digit region code.",
                                     messageZH: "region 应为已知的6位行政区划代码。"))
        }
        var level: RiskLevel?
        var levelOK = false
        if case .string(let text)? = fields["level"] {
            if text == "none" { levelOK = true } else if let l = RiskLevel(rawValue: text) { level = l; levelOK = true }
        }
        if !levelOK {
            errors.append(FieldError(field: "level", code: .unknownValue, message: "level must be high, medium or none.",
                                     messageZH: "level 应为 high、medium 或 none。"))
        }
        guard errors.isEmpty else { throw APIError(fieldErrors: FieldErrors(errors)) }
        let affected = try await codes.setRisk(region: region, level: level)
        return Response.json(["region": region, "level": level?.rawValue ?? "none", "affected": affected, "recomputed": affected])
    }

    @Sendable func riskList(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let list = try await services.health.riskList()
        return Response.json(["regions": list.keys.sorted().map { code in
            ["region": code, "level": list[code]!.rawValue, "name": services.regions.fullName(code) ?? ""]
        }])
    }
}
