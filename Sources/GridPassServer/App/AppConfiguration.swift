import Foundation
import GridPassCore

/// Everything `gridpass serve` is told on its command line (CONTRACT §1).
public struct AppConfiguration: Sendable {
    public var dataDirectory: String
    public var host: String
    public var port: Int
    /// The base URL printed on posters; `http://HOST:PORT` when not given.
    public var publicURL: String?
    public var demo: Bool
    /// Lifetime of a health code in seconds.
    public var codeTTL: Int
    public var rulesFile: String?
    /// When set, `GET /metrics` answers only `Authorization: Bearer` this token (`--metrics-token`).
    public var metricsToken: String?
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`); from
    /// anyone else the header is ignored and the connection's address counts.
    public var trustedProxies: [String] = []
    /// The deployment's time zone (`--time-zone`): days, weeks and every time a page shows.
    public var timeZone: LocalZone = .shanghai
    /// The same code at the same checkpoint within this window is answered but logged once
    /// (`--repeat-window`; zero logs every scan).
    public var repeatWindow: Duration = RepeatScanFilter.defaultWindow
    /// Where the data lives: by default the SQLite data directory `dataDirectory`.
    public var store: AppServices.Store?
    /// The store to open.
    public var effectiveStore: AppServices.Store { store ?? .sqlite(dataDirectory: dataDirectory) }
    /// Runs the background pass that recomputes people marked stale by a risk change or new
    /// rules (`RecomputeService`). Off only in tests that watch the marks themselves.
    public var recomputePass = true
    /// On PostgreSQL, a request still waiting for the database after this long answers 503
    /// (CONTRACT §8). The unit tests, a debug build running many apps at once on two cores,
    /// give their requests longer; scripts/crash-test-pg checks the real deadline.
    public var unavailableAfter: Duration = .milliseconds(4_500)

    public init(dataDirectory: String, host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil,
                demo: Bool = false, codeTTL: Int = 86_400, rulesFile: String? = nil) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.demo = demo
        self.codeTTL = codeTTL
        self.rulesFile = rulesFile
    }

    public var effectivePublicURL: String {
        var url = publicURL ?? "http://\(host):\(port)"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
