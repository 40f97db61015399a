import Foundation
import GridPassCore
import Hummingbird
import GridPassPostgres

/// On PostgreSQL (CONTRACT §8): while the database cannot be reached, a request that needs it
/// answers 503 — `{"error": {"code": "unavailable", …}}` on the API, a short page on HTML routes —
/// within `deadline`, never a 500 or a hang; the pool reconnects by itself and service resumes
/// without a restart.
///
/// The request's work runs with that deadline for its waits on the database
/// (`PostgresDatabase.perRequest`, `DatabaseDeadline` in GridPassPostgres): a wait for a shared
/// query ends by a ticker of the lookup, a query or transaction of its own by a child task that
/// one shared ticker cancels; either answers `DatabaseTimeout`, answered here as 503. The request's
/// own task is never cancelled (a cancelled connection task drops its answer), and a scan or a
/// registration — which wait only for shared queries — costs no task and no timer of its own.
struct DatabaseAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let deadline: Duration

    init(deadline: Duration = .milliseconds(4_500)) {
        self.deadline = deadline
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await PostgresDatabase.perRequest(deadline: .now + deadline) { try await next(request, context) }
        } catch where PostgresDatabase.isUnreachable(error) {
            throw Self.answer(request)
        }
    }

    static func answer(_ request: Request) -> any HTTPResponseError {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" {
            return APIError(.serviceUnavailable, code: "unavailable", message: "the database cannot be reached; try again in a moment")
        }
        return UnavailablePage()
    }
}

/// The HTML answer of a page route while the database cannot be reached.
struct UnavailablePage: HTTPResponseError {
    var status: HTTPResponse.Status { .serviceUnavailable }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let html = """
            <!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>暂时无法服务 · Temporarily unavailable</title>
            <h1>暂时无法服务</h1><p>数据库暂时无法连接，请稍后再试。</p>
            <p lang="en">The database cannot be reached right now. Please try again in a moment.</p></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .retryAfter: "5", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
