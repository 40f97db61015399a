import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer
import GridPassStore

/// `gridpass bench seed`: fills a data directory with synthetic residents for the verification
/// benchmark (scripts/bench-verify) and writes a sample of their current codes, one a line, for
/// scripts/wrk/verify.lua. Every seeded person is an active resident of one unit, status
/// version 1, green, with a current code signed by the data directory's health-code key.
/// Benchmark data only: the encrypted fields are random bytes (see `BenchSeeder`).
struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed",
                                                    abstract: "Seed synthetic residents and write a sample of their codes.")

    @Option(help: "How many people to insert.") var people: Int
    @Option(help: "The unit (or building) they live in; import the places first.") var place = "DJ-B01-U1"
    @Option(help: "How many of them to write to --out with their codes (random ones, in random order).") var sample = 20_000
    @Option(help: "The file for the sample codes (one GP1 text a line).") var out = "verify-payloads.txt"
    @Option(help: "Rows per transaction.") var batch = 50_000
    @Option(help: "A 6-digit region that every --visit-every-th person declares today (the people a risk change of it touches).")
    var visited: String?
    @Option(help: "With --visited: one person in this many declares the visit.") var visitEvery = 10
    @Option(help: "With --visited: the file for the codes of every person who declares it (one a line).")
    var visitorsOut = "visitor-payloads.txt"
    @OptionGroup var data: DataOption

    func validate() throws {
        guard people >= 1, sample >= 0, batch >= 1 else { throw ValidationError("--people and --batch must be ≥ 1, --sample ≥ 0") }
        guard visitEvery >= 1 else { throw ValidationError("--visit-every must be ≥ 1") }
    }

    /// The bench seeder writes SQLite directly.
    static func sqlite(_ services: AppServices) throws -> DataDirectory {
        guard let data = services.data else { throw ValidationError("bench seed writes an SQLite data directory (--data), not PostgreSQL") }
        return data
    }

    func run() async throws {
        let services = try await openServices(data)
        guard let unit = try await services.places.place(code: place) else {
            throw ValidationError("--place: no place has the code '\(place)' (import the places first)")
        }
        guard unit.kind == .unit || unit.kind == .building else {
            throw ValidationError("--place: \(place) is a \(unit.kind.rawValue), not a unit or building")
        }
        guard let key = services.keyRing.keys().current(.healthCodes) else { throw ValidationError("the key ring has no health-code key") }
        let now = Int64(Date().timeIntervalSince1970)
        let expires = now + 86_400
        if let visited, !services.regions.contains(visited) {
            throw ValidationError("--visited: '\(visited)' is not a known 6-digit region code")
        }
        let outcome = try BenchSeeder.seed(
            databasePath: try Self.sqlite(services).databasePath, placeID: unit.id, people: people, sample: sample, rooms: unit.rooms,
            issuedAt: now, expiresAt: expires, batchSize: batch,
            visits: visited.map { BenchSeeder.Visits(region: $0, every: visitEvery) },
            sign: { try HealthCode.sign(person: $0, color: .green, statusVersion: 1, issuedAt: now, expiresAt: expires, with: key) },
            progress: { done in
                if done % 200_000 == 0 || done == people { FileHandle.standardError.write(Data("seeded \(done)/\(people)\n".utf8)) }
            })
        let text = outcome.sample.map { $0.code + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        if visited != nil {
            try Data(outcome.visitors.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: visitorsOut))
        }
        let total = try await services.people.count()
        print("seeded=\(outcome.inserted) seconds=\(String(format: "%.2f", outcome.seconds))"
              + " rows_per_sec=\(String(format: "%.0f", Double(outcome.inserted) / max(outcome.seconds, 1e-9)))"
              + " people_total=\(total) place=\(place) place_id=\(unit.id) key_id=\(key.id) sample=\(outcome.sample.count) out=\(out)"
              + (visited.map { " visited=\($0) visitors=\(outcome.visitors.count) visitors_out=\(visitorsOut)" } ?? ""))
    }
}
