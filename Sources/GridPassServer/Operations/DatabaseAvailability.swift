import Foundation
import Synchronization
import GridPassCore
import Hummingbird
import GridPassPostgres

/// On PostgreSQL (CONTRACT §8): while the database cannot be reached, a request that needs it
/// answers 503 — `{"error": {"code": "unavailable", …}}` on the API, a short page on HTML routes —
/// within `deadline`, never a 500 or a hang; the pool reconnects by itself and service resumes
/// without a restart. A request that has not finished by the deadline is answered 503 the same
/// way (the pool waits for a connection instead of failing when the server is down).
///
/// The deadline costs no timer per request (a task group racing a sleep took a sixth of a node's
/// CPU at thousands of scans a second): each request's handler runs in a child task entered in a
/// shared `DeadlineWatch`, whose one ticker cancels a child past its deadline; the pool then
/// gives up waiting for a connection, and the request answers 503.
struct DatabaseAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let watch: DeadlineWatch

    init(deadline: Duration = .milliseconds(4_500)) {
        watch = DeadlineWatch(deadline: deadline)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The handler runs in a child task, so that the deadline cancels only the handler's work
        // and this task still writes the 503 (a cancelled connection task drops its answer).
        let outcome = try await withoutActuallyEscaping(next) { next in
            let handler = Handler(next: next)
            return await withTaskGroup(of: DeadlineWatch.Outcome<Response>.self) { group in
                group.addTask { await watch.run { try await PostgresDatabase.perRequest { try await handler.next(request, context) } } }
                return await group.next()!
            }
        }
        switch outcome {
        case .finished(let response):
            return response
        case .failed(let error):
            if PostgresDatabase.isUnreachable(error) { throw Self.answer(request) }
            throw error
        case .expired:
            throw Self.answer(request)
        }
    }

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

/// Deadlines for many concurrent operations with one ticker: an operation past its deadline has
/// its task cancelled (what it awaits then throws `CancellationError`, e.g. the pool's wait for a
/// connection) and is reported `expired`. The ticker runs only while operations are in flight.
final class DeadlineWatch: Sendable {
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case failed(any Error)
        /// Ended after its deadline, with a value or (most likely) the cancellation's error:
        /// either is dropped, and the caller answers as for a timeout.
        case expired
    }

    /// A running operation's task: only touched under `state`'s lock, and removed before the
    /// operation returns, so the ticker never cancels a task that has finished.
    private struct Entry: @unchecked Sendable {
        let task: UnsafeCurrentTask
        let deadline: ContinuousClock.Instant
    }
    private struct State {
        var entries: [UInt64: Entry] = [:]
        var expired: Set<UInt64> = []
        var next: UInt64 = 0
        var ticking = false
    }
    private let state = Mutex(State())
    let deadline: Duration
    let tick: Duration

    init(deadline: Duration, tick: Duration = .milliseconds(200)) {
        self.deadline = deadline
        self.tick = tick
    }

    func run<T: Sendable>(_ operation: () async throws -> T) async -> Outcome<T> {
        await withUnsafeCurrentTask { task -> Outcome<T> in
            guard let task else {  // not in a task (never the case in a server): no deadline
                do { return .finished(try await operation()) } catch { return .failed(error) }
            }
            let (id, startTicker) = state.withLock { state -> (UInt64, Bool) in
                state.next &+= 1
                state.entries[state.next] = Entry(task: task, deadline: .now + deadline)
                defer { state.ticking = true }
                return (state.next, !state.ticking)
            }
            if startTicker { Task { await self.runTicker() } }
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            let expired = state.withLock { state in
                state.entries[id] = nil
                return state.expired.remove(id) != nil
            }
            if expired { return .expired }
            switch result {
            case .success(let value): return .finished(value)
            case .failure(let error): return .failed(error)
            }
        }
    }

    private func runTicker() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let done = state.withLock { state -> Bool in
                for (id, entry) in state.entries where entry.deadline <= now && !state.expired.contains(id) {
                    state.expired.insert(id)
                    entry.task.cancel()
                }
                if state.entries.isEmpty { state.ticking = false; return true }
                return false
            }
            if done { return }
        }
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
