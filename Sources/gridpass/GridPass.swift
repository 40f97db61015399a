import ArgumentParser
import Foundation
import GridPassCore
import GridPassPostgres
import GridPassServer
import Logging

@main
struct GridPass: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridpass",
        abstract: "GridPass: signed QR posters, registration and health codes for community grid management.",
        subcommands: [Serve.self, Import.self, Posters.self, Poster.self, Keys.self, User.self, Review.self, Risk.self, Verify.self, Summary.self, BackupCommand.self, RestoreCommand.self, Migrate.self, Bench.self]
    )
}

/// `--data DIR`, shared by every command.
/// Where the data lives (CONTRACT §1, §8): the SQLite data directory, or a PostgreSQL database.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (database and key ring; created on first use).")
    var data: String = "data"
    @Option(name: .long, help: "postgres://USER@HOST:PORT/DB: use this PostgreSQL database instead of --data (or GRIDPASS_DATABASE_URL).")
    var database: String?
    @Option(name: .customLong("master-key-file"),
            help: "With PostgreSQL: the file of the key that seals the key ring (or GRIDPASS_MASTER_KEY_FILE; created 0600 when missing).")
    var masterKeyFile: String?

    /// The store these options (and the environment) name.
    func store() throws -> AppServices.Store {
        let environment = ProcessInfo.processInfo.environment
        guard let url = database ?? environment["GRIDPASS_DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return .sqlite(dataDirectory: data)
        }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ValidationError("--database: only postgres://USER@HOST:PORT/DB URLs are supported")
        }
        guard let keyFile = masterKeyFile ?? environment["GRIDPASS_MASTER_KEY_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("--master-key-file (or GRIDPASS_MASTER_KEY_FILE) is required with a PostgreSQL database")
        }
        return .postgres(url: url, masterKeyFile: keyFile)
    }

    /// What the error messages call the store.
    var name: String {
        (try? store()).map { store in
            switch store {
            case .sqlite(let path): "the data directory \(path)"
            case .postgres(let url, _): "the database \((try? PostgresURL(url))?.description ?? "(bad URL)")"
            }
        } ?? "the store"
    }
}

/// `--time-zone`: the zone of the deployment's days and of every time a page shows.
struct ZoneOption: ParsableArguments {
    @Option(name: .customLong("time-zone"),
            help: "The deployment's time zone (IANA name): days, weeks and the times pages show (default Asia/Shanghai, or GRIDPASS_TIME_ZONE).")
    var timeZone: String?

    /// The zone given (option, else GRIDPASS_TIME_ZONE), nil when none is.
    var given: LocalZone? {
        get throws {
            guard let name = timeZone ?? ProcessInfo.processInfo.environment["GRIDPASS_TIME_ZONE"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
            guard let zone = LocalZone(identifier: name) else {
                throw ValidationError("--time-zone: unknown time zone \"\(name)\" (an IANA name such as Asia/Shanghai or Asia/Urumqi)")
            }
            return zone
        }
    }

    /// The zone given, else Asia/Shanghai.
    var zone: LocalZone { get throws { try given ?? .shanghai } }

    func validate() throws { _ = try given }
}

/// Opens the store for a command, with logs as JSON lines on standard error.
func openServices(_ data: DataOption) async throws -> AppServices {
    bootstrapLogging()
    let store = try data.store()
    let services: AppServices
    do {
        services = try await AppServices.open(store)
    } catch {
        throw ValidationError("cannot open \(data.name): \(error)")
    }
    // Days and weeks as the server counts them: the zone `serve` last ran with (`--time-zone`).
    if let zone = try await services.rememberedTimeZone() { LocalZone.use(zone) }
    return services
}

nonisolated(unsafe) private var loggingBootstrapped = false
func bootstrapLogging() {
    guard !loggingBootstrapped else { return }
    loggingBootstrapped = true
    LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
}
