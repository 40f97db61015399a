import Foundation
import GridPassCore
import Hummingbird

/// `POST /api/v1/registrations`: JSON with `"token"` and the fields of CONTRACT §4.
struct RegistrationController: Sendable {
    let intake: IntakeService

    static let maxBody = 64 * 1024

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/registrations", use: register)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await Self.jsonFields(request, context: context)
        guard case .string(let token)? = fields["token"] else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "token", code: fields["token"] == nil ? .required : .invalidType,
                message: "token must be the poster token (a string) of the door where the person registers.",
                messageZH: "token 应为登记地点海报上的令牌（字符串）。")]))
        }
        // With a bearer token: staff registering someone on their behalf (CONTRACT §11).
        let staff = request.headers[.authorization] == nil ? nil : try context.requireUser()
        switch try await intake.register(token: token, fields: fields, source: .json, assistedBy: staff, address: context.clientAddress) {
        case .forbidden:
            throw APIError(.forbidden, code: "forbidden", message: "only staff whose scope covers this door may register people there on their behalf")
        case .registered(let person, let code, let created):
            return Response.json(bytes: intake.json(person, code: code), status: created ? .created : .ok)
        case .invalid(let errors, _):
            throw APIError(fieldErrors: errors)
        case .noForm(let lookup):
            let message: (String, String) = switch lookup {
            case .replaced: ("this poster was replaced; scan the new one", "该海报已更换，请扫描新海报")
            case .door: ("people register at a unit or an enterprise poster, not at a checkpoint", "请在单元门或企业的二维码处登记，卡口不能登记")
            case .unknown: ("unknown or altered poster token", "海报令牌无效或被篡改")
            }
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "token", code: .format, message: message.0, messageZH: message.1)]))
        }
    }

    /// Reads a JSON object body of at most 64 KiB: 413 when larger, 400 when not JSON or not an object.
    static func jsonFields(_ request: Request, context: AppRequestContext) async throws -> [String: FieldValue] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBody)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "the request body is larger than 64 KiB")
        }
        guard let value = try? JSONParser.parse(bytes: Array(buffer: buffer)), let fields = FieldValue.objectFields(value) else {
            throw APIError(.badRequest, code: "malformed_json", message: "the body must be a JSON object")
        }
        return fields
    }
}
