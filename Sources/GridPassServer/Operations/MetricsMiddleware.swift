import Hummingbird

/// Counts every request by method, route pattern and status, and records its latency (to the
/// response head). The route is `context.endpointPath` (`NotFound` when nothing matched),
/// never the path itself: poster tokens and personal page addresses are secrets.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            record(request, context, status: 500, start: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        metrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                        duration: ContinuousClock.now - start)
    }
}
