import Hummingbird
import Logging
@testable import GridPassServer
import Testing

@Suite("Access log levels")
struct AccessLogLevelTests {
    typealias Observer = RequestObserverMiddleware<AppRequestContext>

    @Test("successful scans and registrations are debug (recorded in their own tables); their failures and everything else info; 5xx error")
    func levels() {
        #expect(Observer.level(route: "/api/v1/verify", status: 200) == .debug)
        #expect(Observer.level(route: "/api/v1/registrations", status: 201) == .debug)
        #expect(Observer.level(route: "/api/v1/registrations", status: 200) == .debug)
        #expect(Observer.level(route: "/api/v1/registrations", status: 422) == .info)
        #expect(Observer.level(route: "/api/v1/registrations", status: 413) == .info)
        #expect(Observer.level(route: "/api/v1/verify", status: 401) == .info)
        #expect(Observer.level(route: "/api/v1/verify", status: 403) == .info)
        #expect(Observer.level(route: "/r/{token}", status: 303) == .info)
        #expect(Observer.level(route: "/healthz", status: 200) == .info)
        #expect(Observer.level(route: "/api/v1/registrations", status: 500) == .error)
        #expect(Observer.level(route: "unmatched", status: 404) == .info)
    }
}
