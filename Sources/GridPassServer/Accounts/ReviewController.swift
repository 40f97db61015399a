import Foundation
import GridPassCore
import Hummingbird

/// `POST /api/v1/workers/PERSON_ID/approve|reject` by HR of the worker's enterprise (or an admin).
struct ReviewController: Sendable {
    let services: AppServices
    let intake: IntakeService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/workers/{id}/approve") { request, context in try await review(request, context, approve: true) }
        router.post("/api/v1/workers/{id}/reject") { request, context in try await review(request, context, approve: false) }
    }

    func review(_ request: Request, _ context: AppRequestContext, approve: Bool) async throws -> Response {
        let user = try context.requireUser()
        let id = context.parameters.get("id") ?? ""
        let actions = PersonActions(services: services, codes: intake.codes)
        do {
            _ = try await actions.worker(id, reviewableBy: user)  // permission before the body is read
        } catch PersonActions.Refusal.notFound {
            throw APIError(.notFound, code: "not_found", message: "no worker has the id '\(id)'")
        } catch PersonActions.Refusal.forbidden {
            throw APIError(.forbidden, code: "forbidden", message: "only HR of this worker's enterprise may review them")
        }
        let (reviewed, record) = try await actions.review(id, approve: approve, reason: try await Self.reason(request), by: user)
        return Response.json(bytes: intake.json(reviewed, code: record?.code))
    }

    /// The optional `{"reason": "…"}` body (at most 200 characters).
    static func reason(_ request: Request) async throws -> String? {
        let body = try await request.body.collect(upTo: 4096)
        guard body.readableBytes > 0 else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw APIError(.badRequest, code: "malformed_json", message: "the body must be a JSON object such as {\"reason\": \"…\"}")
        }
        guard let value = object["reason"] else { return nil }
        guard let reason = value as? String, reason.count <= 200 else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "reason", code: .invalidType,
                message: "reason must be text of at most 200 characters.", messageZH: "reason 应为不超过200字的文字。")]))
        }
        return reason.isEmpty ? nil : reason
    }
}
