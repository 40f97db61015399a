import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GridPassCore
import GridPassServer

/// `gridpass bench read`: the scan's person read (`HealthRepository.standing`) in a loop on
/// `--tasks` tasks at once, for the codes of a `bench seed` sample file: what the read costs a
/// scan, without HTTP. The read goes through the scans' standing cache, so after the first pass
/// over the sample (nothing being written meanwhile) it times cache hits; the database read
/// itself is what the first pass and any miss cost. Prints `reads_per_sec=… ns_per_read=…` (wall time per read of
/// all tasks together) and `cpu_ns_per_read=…` (the process's CPU time per read).
struct BenchRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Time the scan's person read.")

    @Option(help: "The sample file of `bench seed --out`.") var codes: String
    @Option(help: "Seconds to run.") var seconds = 3.0
    @Option(help: "Tasks reading at once.") var tasks = 1
    @Option(help: "With a checkpoint code: time the whole scan at that checkpoint (VerifyService.verify, scans logged nowhere) instead of the read.")
    var checkpoint: String?
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        let keys = services.keyRing.keys()
        // The valid codes of the file with their person references, read once.
        let now = Int64(Date().timeIntervalSince1970)
        let samples: [(payload: String, ref: PersonRef)] = try String(contentsOfFile: codes, encoding: .utf8)
            .split(separator: "\n").compactMap { line in
                (try? HealthCode.verify(String(line), keys: keys, now: now).get().person).map { (String(line), $0) }
            }
        guard !samples.isEmpty else { throw ValidationError("--codes: no valid code in \(codes)") }
        let health = services.health
        let verifier = VerifyService(services: services, log: { _ in })
        var place: PlacePath?
        if let checkpoint {
            place = try await verifier.checkpoint(code: checkpoint)
            guard place != nil else { throw ValidationError("--checkpoint: no checkpoint has the code \(checkpoint)") }
        }
        let at = place
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = Glibc.clock()
        let (reads, found) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for task in 0..<max(1, tasks) {
                group.addTask {
                    var reads = 0, found = 0
                    while clock.now - start < .seconds(seconds) {
                        for _ in 0..<1000 {
                            let sample = samples[(reads * 7 + task) % samples.count]
                            if let at {
                                if try await verifier.verify(sample.payload, at: at).verdict.result == .pass { found += 1 }
                            } else if try await health.standing(sample.ref) != nil { found += 1 }
                            reads += 1
                        }
                    }
                    return (reads, found)
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let cpu = Double(Glibc.clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        let secs = (clock.now - start).inSeconds
        print("tasks=\(tasks) reads=\(reads) found=\(found) reads_per_sec=\(Int(Double(reads) / secs)) ns_per_read=\(Int(secs * 1e9 / Double(reads)))"
              + " cpu_ns_per_read=\(Int(cpu * 1e9 / Double(reads)))")
    }
}
