import Foundation
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting

/// A GridPass application on a fresh data directory, built by the same builder as `serve`.
struct TestApp {
    let config: AppConfiguration

    init(demo: Bool = true, codeTTL: Int = 86_400) throws {
        config = AppConfiguration(dataDirectory: try makeTemporaryDirectory().path, port: 8080, demo: demo, codeTTL: codeTTL)
    }

    /// Runs `body` against the router; the data directory is also opened beside the app, as a CLI command would.
    func test<T>(_ body: @Sendable (any TestClientProtocol, AppServices) async throws -> T) async throws -> T {
        let app = try await buildApplication(config)
        let services = try await AppServices.open(dataDirectory: config.dataDirectory)
        return try await app.test(.router) { client in try await body(client, services) }
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
