import Foundation
import GridPassCore
import Hummingbird

/// `POST /api/v1/verify` with a guard token: `{"code": "GP1:…", "checkpoint": CODE}`.
/// `GET /api/v1/me`: who the token belongs to (the guard page uses it to find its checkpoint).
struct VerifyController: Sendable {
    let services: AppServices
    let verifier: VerifyService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/verify", use: verify)
        router.get("/api/v1/me", use: me)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let fields = try await RegistrationController.jsonFields(request, context: context)
        var errors: [FieldError] = []
        guard case .string(let payload)? = fields["code"] else {
            errors.append(FieldError(field: "code", code: fields["code"] == nil ? .required : .invalidType,
                                     message: "code must be the scanned text (GP1:…).", messageZH: "code 应为扫描得到的健康码文本（GP1:…）。"))
            throw APIError(fieldErrors: FieldErrors(errors + checkpointError(fields)))
        }
        guard case .string(let checkpointCode)? = fields["checkpoint"] else { throw APIError(fieldErrors: FieldErrors(checkpointError(fields))) }
        guard let checkpoint = try await verifier.checkpoint(code: checkpointCode) else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "checkpoint", code: .unknownValue,
                message: "no checkpoint has the code '\(checkpointCode)'.", messageZH: "没有代码为“\(checkpointCode)”的卡口。")]))
        }
        guard mayScan(user, at: checkpoint) else {
            throw APIError(.forbidden, code: "forbidden", message: "this token may not scan at \(checkpointCode)")
        }
        return Response.json(bytes: try await verifier.verify(String(payload.prefix(200)), at: checkpoint).jsonBytes)
    }

    func checkpointError(_ fields: [String: FieldValue]) -> [FieldError] {
        if case .string? = fields["checkpoint"] { return [] }
        return [FieldError(field: "checkpoint", code: fields["checkpoint"] == nil ? .required : .invalidType,
                           message: "checkpoint must be the code of the checkpoint.", messageZH: "checkpoint 应为卡口代码。")]
    }

    /// Guards scan at their own checkpoint only; staff within their scope; admins anywhere.
    func mayScan(_ user: UserRecord, at checkpoint: PlacePath) -> Bool {
        switch user.role {
        case .guard_: user.scopePlaceID == checkpoint.place.id
        case .admin, .staff: Access.covers(user, checkpoint)
        case .hr: false
        }
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var scope: Any = NSNull()
        var scopeName: Any = NSNull()
        if let id = user.scopePlaceID, let place = try await services.places.place(id: id) {
            scope = place.code
            scopeName = try await services.places.path(of: place).fullName
        }
        return Response.json(["name": user.name, "role": user.role.rawValue, "scope": scope, "scope_name": scopeName])
    }
}
