import Foundation
import GridPassCore
import Hummingbird

/// An error answered as JSON: `{"error": {"code", "message"}}`, or `{"errors": [...]}` for
/// validation (422), with its own status (never a 500).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let fieldErrors: FieldErrors?

    init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
        self.fieldErrors = nil
    }

    init(fieldErrors: FieldErrors) {
        status = .unprocessableContent
        code = "invalid"
        message = "invalid fields: " + fieldErrors.fields.joined(separator: ", ")
        self.fieldErrors = fieldErrors
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        if let fieldErrors {
            return Response.json(["errors": fieldErrors.errors.map {
                ["field": $0.field, "code": $0.code.rawValue, "message": $0.message, "message_zh": $0.messageZH]
            }], status: status)
        }
        return Response.json(["error": ["code": code, "message": message]], status: status)
    }
}

extension Response {
    /// A JSON response from plain values (dictionaries, arrays, strings, numbers, booleans, NSNull).
    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: JSONWriter.data(value), status: status)
    }

    /// A JSON response from bytes already written.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Made once: every JSON answer carries the same two headers.
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
}
