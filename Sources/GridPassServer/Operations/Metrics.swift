import GridPassCore
import Prometheus
import Synchronization

/// The service's Prometheus metrics, in a registry of its own: each app (and each test app)
/// has one, nothing is bootstrapped globally. Requests are counted by `RequestObserverMiddleware`,
/// registrations and verifications by the services, and the people gauges are set from the
/// store at every scrape (`MetricsController`).
final class Metrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The label values of every people gauge set so far, to zero the ones that emptied.
    private let peopleSeen = Mutex<Set<[String]>>([])
    /// The registry's handles by label values, found once: the registry validates the name and
    /// help text and builds the label key at every look-up, which cost more than the
    /// increment itself on every request.
    private let requestHandles = Mutex<[RequestLabels: RequestHandles]>([:])
    private let verificationHandles = Mutex<[VerificationLabels: Counter]>([:])
    private let registrationHandles = Mutex<[RegistrationLabels: Counter]>([:])

    private struct RequestLabels: Hashable {
        let method: String, route: String, status: Int
    }
    private struct RequestHandles {
        let count: Counter, latency: DurationHistogram
    }
    private struct RegistrationLabels: Hashable {
        let kind: PersonKind, created: Bool
    }
    private struct VerificationLabels: Hashable {
        let result: Verdict.Result, reason: String
    }

    // Descriptors are not Sendable, so they are made when used (a registry call takes a lock anyway).
    static var requests: MetricNameDescriptor { descriptor("gridpass_http_requests_total", "HTTP requests by method, route pattern and status.") }
    static var latency: MetricNameDescriptor {
        descriptor("gridpass_http_request_duration_seconds", "Time to the response head by method and route pattern, in seconds.")
    }
    static var registrations: MetricNameDescriptor {
        descriptor("gridpass_registrations_total", "Registrations by kind and outcome (created or updated).")
    }
    static var verifications: MetricNameDescriptor { descriptor("gridpass_verifications_total", "Checkpoint verifications by result and reason.") }
    static var people: MetricNameDescriptor {
        descriptor("gridpass_people", "Registered people by kind, status and colour (none: no colour yet).")
    }

    static let latencyBuckets: [Duration] = [.milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
                                             .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)]

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// One answered request; `route` is the route pattern, never the path (tokens are secrets).
    func request(method: String, route: String, status: Int, duration: Duration) {
        let handles = Self.handle(RequestLabels(method: method, route: route, status: status), in: requestHandles) {
            RequestHandles(
                count: registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]),
                latency: registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)],
                                                        buckets: Self.latencyBuckets))
        }
        handles.count.increment()
        handles.latency.record(duration)
    }

    /// A registration stored: a new person, or the same identity number again at that place.
    func registered(_ kind: PersonKind, created: Bool) {
        Self.handle(RegistrationLabels(kind: kind, created: created), in: registrationHandles) {
            registry.makeCounter(descriptor: Self.registrations, labels: [("kind", kind.rawValue), ("outcome", created ? "created" : "updated")])
        }.increment()
    }

    /// A verdict given at a checkpoint (or by the verify command).
    func verified(_ verdict: Verdict) {
        Self.handle(VerificationLabels(result: verdict.result, reason: verdict.reason), in: verificationHandles) {
            registry.makeCounter(descriptor: Self.verifications, labels: [("result", verdict.result.rawValue), ("reason", verdict.reason)])
        }.increment()
    }

    /// The handle cached under `key`, made by `make` the first time.
    private static func handle<Key: Hashable & Sendable, Handle: Sendable>(
        _ key: Key, in cache: borrowing Mutex<[Key: Handle]>, make: () -> Handle) -> Handle {
        cache.withLock { handles in
            if let known = handles[key] { return known }
            let made = make()
            handles[key] = made
            return made
        }
    }

    /// Sets the people gauges to `counts`; combinations seen before and absent now read 0.
    func setPeople(_ counts: [PeopleCount]) {
        var current: [[String]: Int] = [:]
        for c in counts { current[[c.kind.rawValue, c.status.rawValue, c.color?.rawValue ?? "none"], default: 0] += c.count }
        peopleSeen.withLock { seen in
            seen.formUnion(current.keys)
            for key in seen {
                registry.makeGauge(descriptor: Self.people, labels: [("kind", key[0]), ("status", key[1]), ("color", key[2])])
                    .set(Double(current[key] ?? 0))
            }
        }
    }

    /// Everything in the Prometheus text format 0.0.4.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
