import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

/// `gridpass bench read`: the scan's person read (`HealthRepository.standing`) in a loop on one
/// task, for the codes of a `bench seed` sample file: what one database read costs a scan,
/// without HTTP. Prints `reads_per_sec=… ns_per_read=…`.
struct BenchRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Time the scan's person read.")

    @Option(help: "The sample file of `bench seed --out`.") var codes: String
    @Option(help: "Seconds to run.") var seconds = 3.0
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        let keys = services.keyRing.keys()
        let refs = try String(contentsOfFile: codes, encoding: .utf8).split(separator: "\n").compactMap {
            try? HealthCode.verify(String($0), keys: keys, now: Int64(Date().timeIntervalSince1970)).get().person
        }
        guard !refs.isEmpty else { throw ValidationError("--codes: no valid code in \(codes)") }
        let clock = ContinuousClock()
        let start = clock.now
        var reads = 0, found = 0
        while clock.now - start < .seconds(seconds) {
            for _ in 0..<1000 {
                if try await services.health.standing(refs[reads % refs.count]) != nil { found += 1 }
                reads += 1
            }
        }
        let elapsed = clock.now - start
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("reads=\(reads) found=\(found) reads_per_sec=\(Int(Double(reads) / secs)) ns_per_read=\(Int(secs * 1e9 / Double(reads)))")
    }
}
