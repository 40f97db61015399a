import Foundation
import GridPassCore
import Hummingbird
import GridPassPostgres

/// On PostgreSQL (CONTRACT §8): while the database cannot be reached, a request that needs it
/// answers 503 — `{"error": {"code": "unavailable", …}}` on the API, a short page on HTML routes —
/// within `deadline`, never a 500 or a hang; the pool reconnects by itself and service resumes
/// without a restart. A request that has not finished by the deadline is answered 503 the same
/// way (the pool waits for a connection instead of failing when the server is down).
struct DatabaseAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    var deadline: Duration = .milliseconds(4_500)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            // The handler runs in a child task racing the deadline; the group waits for both
            // before it returns, so `next` never outlives this call.
            return try await withoutActuallyEscaping(next) { next in
                let handler = Handler(next: next)
                return try await withThrowingTaskGroup(of: Response?.self) { group in
                    group.addTask { try await handler.next(request, context) }
                    group.addTask {
                        try await Task.sleep(for: deadline)
                        return nil
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let response = first else { throw Unavailable() }
                    return response
                }
            }
        } catch is Unavailable {
            throw Self.answer(request)
        } catch where PostgresDatabase.isUnreachable(error) {
            throw Self.answer(request)
        }
    }

    struct Unavailable: Error {}

    /// The next handler, for the child task that runs it (see `handle`: it never escapes).
    struct Handler: @unchecked Sendable {
        let next: (Request, Context) async throws -> Response
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
