import Foundation
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting

/// A GridPass application on a fresh data directory, built by the same builder as `serve`.
struct TestApp {
    var config: AppConfiguration

    /// With `live`, the server listens on a free port (public URL still http://127.0.0.1:8080).
    /// With `recomputePass: false`, the server's background pass does not run (tests that watch stale marks).
    init(demo: Bool = true, codeTTL: Int = 86_400, live: Bool = false, recomputePass: Bool = true) throws {
        config = AppConfiguration(dataDirectory: try makeTemporaryDirectory().path, port: live ? 0 : 8080,
                                  publicURL: "http://127.0.0.1:8080", demo: demo, codeTTL: codeTTL)
        config.recomputePass = recomputePass
    }

    /// Runs `body` against the router (or, with `.live`, a running server with its background
    /// services); the data directory is also opened beside the app, as a CLI command would.
    func test<T>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol, AppServices) async throws -> T) async throws -> T {
        let app = try await buildApplication(config)
        let services = try await AppServices.open(dataDirectory: config.dataDirectory)
        return try await app.test(setup) { client in try await body(client, services) }
    }
}

extension TestClientProtocol {
    /// GET `uri`, returning status and body text.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, String(buffer: response.body))
        }
    }
}
