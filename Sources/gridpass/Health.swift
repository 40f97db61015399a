import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

struct Risk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The risk list.", subcommands: [RiskSet.self])
}

struct RiskSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a region's risk level; from the answer on, no older code of anyone whose last 14 days touch it passes.",
        discussion: """
            The change and the marks of everyone it touches commit in one transaction: interrupted before the \
            answer it has no effect. Those people get new codes when they open their page, or from a running \
            server's background pass (the next server to start, if none runs).
            """
    )
    @Argument(help: "A 6-digit region code, e.g. 110105.") var region: String
    @Argument(help: "high, medium or none.") var level: String
    @OptionGroup var data: DataOption

    func run() async throws {
        guard level == "none" || RiskLevel(rawValue: level) != nil else { throw ValidationError("LEVEL must be high, medium or none") }
        let services = try await openServices(data)
        guard services.regions.contains(region) else { throw ValidationError("REGION: '\(region)' is not a known 6-digit region code") }
        let codes = HealthCodeService(services: services, codeTTL: try await services.codeTTL())
        let count = try await codes.setRisk(region: region, level: RiskLevel(rawValue: level))
        print("\(region) \(services.regions.fullName(region) ?? ""): \(level); \(count) person(s) affected: "
              + "their older codes no longer pass, new codes follow when they open their page or from the server's background pass")
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Verify a health code, as a checkpoint would (the scan is logged).")
    @Argument(help: "The scanned text, GP1:…") var payload: String
    @Option(help: "The checkpoint's code (scan-to-work and community gates).") var checkpoint: String?
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        let verifier = VerifyService(services: services)
        var place: PlacePath?
        if let checkpoint {
            guard let found = try await verifier.checkpoint(code: checkpoint) else {
                throw ValidationError("--checkpoint: no checkpoint has the code '\(checkpoint)'")
            }
            place = found
        }
        let outcome = try await verifier.verify(payload, at: place)
        print(String(decoding: outcome.jsonBytes, as: UTF8.self))
        if outcome.verdict.result != .pass { throw ExitCode(outcome.verdict.result == .stop ? 2 : 3) }
    }
}
