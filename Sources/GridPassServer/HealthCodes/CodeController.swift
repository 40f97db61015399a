import Foundation
import GridPassCore
import Hummingbird
import QRImaging

/// The person's own code and daily report, behind the personal page's secret token:
/// `GET /me/TOKEN/code.json`, `GET /me/TOKEN/code.png`, `POST /me/TOKEN/reports`.
struct CodeController: Sendable {
    let services: AppServices
    let codes: HealthCodeService

    /// Dark module colours, chosen dark enough to stay readable by scanners on white.
    static let ink: [HealthColor: RGB] = [.green: RGB(0, 122, 61), .yellow: RGB(184, 134, 0), .red: RGB(196, 30, 36)]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/me/{token}/code.json", use: json)
        router.get("/me/{token}/code.png", use: png)
        router.post("/me/{token}/reports", use: report)
    }

    /// The person of the page token, with colour and code brought up to date.
    func current(_ context: AppRequestContext) async throws -> (PersonRecord, HealthRecord) {
        guard let token = context.parameters.get("token"), let person = try await services.people.person(meToken: token),
              let record = try await codes.refresh(person.ref)
        else { throw APIError(.notFound, code: "not_found", message: "no personal page has this address") }
        return (person, record)
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (person, record) = try await current(context)
        guard let code = record.code else {
            throw APIError(.notFound, code: "no_code", message: "no health code: the registration is \(person.status.rawValue)")
        }
        let english = Language(request) == .en
        return Response.json(["payload": code.payload, "color": code.color.rawValue, "expires_at": isoTime(code.expiresAt),
                              "reasons": record.reasons.map { english ? $0.en : $0.zh }])
    }

    @Sendable func png(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (person, record) = try await current(context)
        guard let code = record.code else {
            throw APIError(.notFound, code: "no_code", message: "no health code: the registration is \(person.status.rawValue)")
        }
        let matrix = try QRMatrix(text: code.payload, errorCorrection: .medium)
        let png = try PNGEncoder.encode(matrix, scale: 8, quietZone: 4,
                                        style: .palette(dark: Self.ink[code.color] ?? .black, light: .white))
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    /// The daily report: JSON answers the new code; a form goes back to the personal page.
    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = context.parameters.get("token"), let person = try await services.people.person(meToken: token) else {
            throw APIError(.notFound, code: "not_found", message: "no personal page has this address")
        }
        let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        let fields: [String: FieldValue]
        if isForm {
            let body = try await request.body.collect(upTo: RegistrationController.maxBody)
            fields = FormBody.fields(String(buffer: body))
        } else {
            fields = try await RegistrationController.jsonFields(request, context: context)
        }
        switch HealthDeclaration.validate(fields, regions: services.regions, source: isForm ? .form : .json) {
        case .failure(let errors):
            if isForm { return try await PersonalPage(services: services, codes: codes).page(person, request: request, submitted: fields, errors: errors) }
            throw APIError(fieldErrors: errors)
        case .success(let declaration):
            let now = Int64(Date().timeIntervalSince1970)
            try await services.health.addReport(person.ref, declaration, now: now)
            let record = try await codes.refresh(person.ref, now: now)
            if isForm { return Response(status: .seeOther, headers: [.location: "/me/\(token)"]) }
            let english = Language(request) == .en
            return Response.json(["color": (record?.color?.rawValue).map { $0 as Any } ?? NSNull(),
                                  "health_code": HealthCodeService.summary(record?.code) ?? NSNull(),
                                  "reasons": (record?.reasons ?? []).map { english ? $0.en : $0.zh }], status: .created)
        }
    }
}
