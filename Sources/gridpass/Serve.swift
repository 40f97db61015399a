import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve GridPass over HTTP.")

    @OptionGroup var data: DataOption
    @OptionGroup var zone: ZoneOption
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("public-url"), help: "Base URL printed on posters (default http://HOST:PORT).")
    var publicURL: String?
    @Flag(help: "Load the demo street (idempotent).") var demo = false
    @Option(name: .customLong("code-ttl"), help: "Lifetime of a health code in seconds.") var codeTTL = 86_400
    @Option(help: "A rules file replacing the default rules.") var rules: String?
    @Option(name: .customLong("metrics-token"), help: "Require this bearer token on GET /metrics (or GRIDPASS_METRICS_TOKEN).")
    var metricsToken: String?
    @Option(name: .customLong("repeat-window"),
            help: "Seconds in which the same code at the same checkpoint is logged once (0: log every scan).")
    var repeatWindow = 3.0
    @Option(name: .customLong("trusted-proxy"), help: "A reverse proxy's address whose X-Forwarded-For is believed (repeat for several).")
    var trustedProxies: [String] = []

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
        guard codeTTL >= 1 else { throw ValidationError("--code-ttl must be at least 1 second") }
        guard (0...60).contains(repeatWindow) else { throw ValidationError("--repeat-window must be from 0 to 60 seconds") }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ValidationError("--public-url must start with http:// or https://")
        }
    }

    func run() async throws {
        bootstrapLogging()
        var config = AppConfiguration(dataDirectory: data.data, host: host, port: port, publicURL: publicURL,
                                      demo: demo, codeTTL: codeTTL, rulesFile: rules)
        config.store = try data.store()
        config.metricsToken = metricsToken ?? ProcessInfo.processInfo.environment["GRIDPASS_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        config.trustedProxies = trustedProxies
        config.timeZone = try zone.zone
        config.repeatWindow = .milliseconds(Int64(repeatWindow * 1000))
        let app = try await buildApplication(config)
        try await app.runService()
    }
}
