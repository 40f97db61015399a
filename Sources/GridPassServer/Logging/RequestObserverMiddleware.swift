import Hummingbird
import Logging

/// Observes every request once: one log line and the request metrics (count by method, route
/// pattern and status; latency to the response head). The route is `context.endpointPath`
/// (`unmatched` when nothing matched), never the path itself: poster tokens and personal page
/// addresses are secrets.
struct RequestObserverMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            observe(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            observe(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            observe(request, context, status: 500, start: start, error: error)
            throw error
        }
    }

    private func observe(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant, error: (any Error)? = nil) {
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.request(method: request.method.rawValue, route: route, status: status, duration: elapsed)
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let level = Self.level(route: route, status: status)
        guard context.logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(status),
            "us": .stringConvertible(micros),
        ]
        if let error { metadata["error"] = .string(String(describing: type(of: error))) }
        context.logger.log(level: level, "request", metadata: metadata)
    }

    /// The two hot routes' successful answers are already recorded, each in its own table:
    /// a scan in the scan log (batched), a registration in its person and declaration rows
    /// (committed before the answer). Their access lines are debug-level, which spares every
    /// gate scan and every registration a formatted line and a write(2) (12 µs of a
    /// registration's 190). Everything else is info, failures of those routes included; server
    /// errors are errors.
    static func level(route: String, status: Int) -> Logger.Level {
        if status >= 500 { return .error }
        switch route {
        case "/api/v1/verify", "/api/v1/registrations": return status < 300 ? .debug : .info
        default: return .info
        }
    }
}
