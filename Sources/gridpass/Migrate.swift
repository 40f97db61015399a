import ArgumentParser
import Foundation
import GridPassPostgres
import GridPassServer

/// `gridpass migrate --from-data DIR --to URL --master-key-file FILE` (CONTRACT §8; `StoreMigration`).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an SQLite data directory into an empty PostgreSQL database (posters and codes keep working).")

    @Option(name: .customLong("from-data"), help: "The SQLite data directory to copy.") var fromData: String
    @Option(name: .customLong("to"), help: "The empty PostgreSQL database: postgres://USER@HOST:PORT/DB.") var to: String
    @Option(name: .customLong("master-key-file"), help: "The deployment's master key file (created 0600 when missing).")
    var masterKeyFile: String

    func run() async throws {
        bootstrapLogging()
        guard FileManager.default.fileExists(atPath: (fromData as NSString).appendingPathComponent("gridpass.sqlite")) else {
            throw ValidationError("--from-data: \(fromData) holds no gridpass.sqlite")
        }
        let url: PostgresURL
        do { url = try PostgresURL(to) } catch { throw ValidationError("--to: \(error)") }
        let report = try await StoreMigration.copy(fromData: fromData, to: url, masterKeyFile: masterKeyFile)
        for (table, copied, source) in report.tables {
            print("\(table): \(copied) of \(source) row(s)\(copied == source ? "" : "  MISMATCH")")
        }
        print("keys: \(report.keys) (re-sealed under \(masterKeyFile)); copied into \(url)")
        if !report.complete { throw ExitCode(1) }
    }
}
