import Foundation
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting

/// A GridPass application on a fresh store (a data directory, or a database of its own on the
/// PostgreSQL test cluster), built by the same builder as `serve`.
struct TestApp {
    var config: AppConfiguration
    let backend: Backend

    /// With `live`, the server listens on a free port (public URL still http://127.0.0.1:8080).
    /// With `recomputePass: false`, the server's background pass does not run (tests that watch stale marks).
    init(demo: Bool = true, codeTTL: Int = 86_400, live: Bool = false, recomputePass: Bool = true, backend: Backend = .sqlite) throws {
        config = AppConfiguration(dataDirectory: try makeTemporaryDirectory().path, port: live ? 0 : 8080,
                                  publicURL: "http://127.0.0.1:8080", demo: demo, codeTTL: codeTTL)
        config.recomputePass = recomputePass
        config.unavailableAfter = .seconds(60)  // a debug build under the whole suite's load; the 4.5 s: scripts/crash-test-pg
        self.backend = backend
    }

    /// The configuration with its store made (PostgreSQL: a new database and master key file).
    func prepared() async throws -> AppConfiguration {
        var config = config
        if backend == .postgres, config.store == nil {
            config.store = .postgres(url: try await TestPostgres.emptyDatabase().text,
                                     masterKeyFile: URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("master.key").path)
        }
        return config
    }

    /// Runs `body` against the router (or, with `.live`, a running server with its background
    /// services); the store is also opened beside the app, as a CLI command would.
    func test<T>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol, AppServices) async throws -> T) async throws -> T {
        let config = try await prepared()
        let app = try await buildApplication(config)
        let services = try await AppServices.open(config.effectiveStore)
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
