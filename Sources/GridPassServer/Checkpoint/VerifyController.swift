import Foundation
import GridPassCore
import Hummingbird
import QRImaging

/// `POST /api/v1/verify` with a guard token: `{"code": "GP1:…", "checkpoint": CODE}`.
/// `POST /api/v1/scan?checkpoint=CODE` with a camera frame (JPEG or PNG, ≤ 2 MiB): the same
/// answer for the QR code in it, read by libzbar (CONTRACT §11); the frame is dropped at once.
/// `GET /api/v1/me`: who the token belongs to (the guard page uses it to find its checkpoint).
struct VerifyController: Sendable {
    let services: AppServices
    let verifier: VerifyService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/verify", use: verify)
        router.post("/api/v1/scan", use: scan)
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
        let checkpoint = try await scanningCheckpoint(checkpointCode, user: user)
        return Response.json(bytes: try await verifier.verify(String(payload.prefix(200)), at: checkpoint).jsonBytes)
    }

    /// Camera frames may be this large (a 1080p JPEG is ~0.3 MiB; a PNG of it ~1.5 MiB).
    static let maxImage = 2 * 1024 * 1024

    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let checkpointCode = request.uri.queryParameters.get("checkpoint"), !checkpointCode.isEmpty else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "checkpoint", code: .required,
                message: "checkpoint (in the query: ?checkpoint=CODE) is required.", messageZH: "请在地址中给出卡口代码（?checkpoint=代码）。")]))
        }
        let checkpoint = try await scanningCheckpoint(checkpointCode, user: user)
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maxImage) } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "the image is larger than 2 MiB")
        }
        let texts = try Self.readCodes(Array(buffer: body), contentType: request.headers[.contentType])
        // A frame may hold other QR codes (a poster behind the person): a health code or a card first.
        let text = texts.first(where: { $0.hasPrefix("GP") }) ?? texts[0]
        return Response.json(bytes: try await verifier.verify(String(text.prefix(200)), at: checkpoint).jsonBytes)
    }

    /// The texts of the QR codes in an image body, or the 422 naming `image`.
    static func readCodes(_ bytes: [UInt8], contentType: String?) throws -> [String] {
        func imageError(_ code: FieldError.Code, _ en: String, _ zh: String) -> APIError {
            APIError(fieldErrors: FieldErrors([FieldError(field: "image", code: code, message: en, messageZH: zh)]))
        }
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "image/jpeg" || type == "image/png" else {
            throw imageError(.notAnImage, "image must be sent as image/jpeg or image/png (got \(type ?? "no Content-Type")).",
                             "image 应为 image/jpeg 或 image/png 图片。")
        }
        let texts: [String]
        do { texts = try QRDecoder.decode(bytes) } catch {
            switch error {
            case .notAnImage:
                throw imageError(.notAnImage, "image is not a readable JPEG or PNG.", "image 不是可读取的 JPEG 或 PNG 图片。")
            case .tooManyPixels(let width, let height):
                throw imageError(.range, "image has \(width) × \(height) pixels; at most 4096 × 4096.", "image 像素过多（最多 4096 × 4096）。")
            }
        }
        guard !texts.isEmpty else {
            throw imageError(.noCode, "no QR code was found in image.", "图片中没有找到二维码。")
        }
        return texts
    }

    /// The checkpoint named by `code`, where `user` may scan (422 when unknown, 403 when not theirs).
    func scanningCheckpoint(_ code: String, user: UserRecord) async throws -> PlacePath {
        guard let checkpoint = try await verifier.checkpoint(code: code) else {
            throw APIError(fieldErrors: FieldErrors([FieldError(field: "checkpoint", code: .unknownValue,
                message: "no checkpoint has the code '\(code)'.", messageZH: "没有代码为“\(code)”的卡口。")]))
        }
        guard mayScan(user, at: checkpoint) else {
            throw APIError(.forbidden, code: "forbidden", message: "this token may not scan at \(code)")
        }
        return checkpoint
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

    /// Who the token belongs to, with the checkpoints it may scan at (`mayScan`), in tree order:
    /// a guard's one, those below a staff user's scope, every one for an admin, none for HR. The
    /// guard page shows a guard's checkpoint as text and offers staff and admins a choice.
    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var scope: Any = NSNull()
        var scopeName: Any = NSNull()
        var checkpoints: [PlacePath] = []
        if let id = user.scopePlaceID, let place = try await services.places.place(id: id) {
            let path = try await services.places.path(of: place)
            scope = place.code
            scopeName = path.fullName
            if user.role == .guard_ || user.role == .staff {
                checkpoints = place.kind == .checkpoint ? [path] : try await services.places.doors(under: place).filter { $0.place.kind == .checkpoint }
            }
        } else if user.role == .admin {
            for root in try await services.places.children(of: nil) {
                checkpoints += try await services.places.doors(under: root).filter { $0.place.kind == .checkpoint }
            }
        }
        return Response.json(["name": user.name, "role": user.role.rawValue, "scope": scope, "scope_name": scopeName,
                              "checkpoints": checkpoints.filter { mayScan(user, at: $0) }.map {
                                  ["code": $0.place.code, "name": $0.place.name, "full_name": $0.fullName]
                              }])
    }
}
