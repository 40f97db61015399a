import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

/// `gridpass bench tally`: verifies every code of a file as a checkpoint would and prints how
/// many answered each result and reason (scripts/crash-test-risk checks with it that a risk
/// change is in force for all the people it touches or for none). The scans are not logged.
struct BenchTally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tally",
                                                    abstract: "Verify every code of a file (not logged) and count the results.")

    @Option(help: "The file of codes, one GP1 text a line.") var codes: String
    @Option(help: "The checkpoint's code (nil: signature and status only).") var checkpoint: String?
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        let verifier = VerifyService(services: services, log: { _ in })
        var place: PlacePath?
        if let checkpoint {
            guard let found = try await verifier.checkpoint(code: checkpoint) else {
                throw ValidationError("--checkpoint: no checkpoint has the code '\(checkpoint)'")
            }
            place = found
        }
        let text: String
        do { text = try String(contentsOfFile: codes, encoding: .utf8) } catch {
            throw ValidationError("--codes: cannot read \(codes)")
        }
        var results: [String: Int] = [:], reasons: [String: Int] = [:]
        var total = 0
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            let verdict = try await verifier.verify(String(line), at: place).verdict
            results[verdict.result.rawValue, default: 0] += 1
            reasons["\(verdict.result.rawValue)/\(verdict.reason)", default: 0] += 1
            total += 1
        }
        print("codes=\(total) pass=\(results["pass"] ?? 0) stop=\(results["stop"] ?? 0) invalid=\(results["invalid"] ?? 0) "
              + reasons.keys.sorted().map { "\($0)=\(reasons[$0]!)" }.joined(separator: " "))
    }
}
