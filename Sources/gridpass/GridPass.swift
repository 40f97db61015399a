import ArgumentParser
import GridPassServer
import Logging

@main
struct GridPass: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridpass",
        abstract: "GridPass: signed QR posters, registration and health codes for community grid management.",
        subcommands: [Serve.self, Import.self, Posters.self, Poster.self, Keys.self, User.self, Review.self, Risk.self, Verify.self, Bench.self]
    )
}

/// `--data DIR`, shared by every command.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (database and key ring; created on first use).")
    var data: String = "data"
}

/// Opens the data directory for a command, with logs as JSON lines on standard error.
func openServices(_ data: DataOption) async throws -> AppServices {
    bootstrapLogging()
    do {
        return try await AppServices.open(dataDirectory: data.data)
    } catch {
        throw ValidationError("cannot open the data directory \(data.data): \(error)")
    }
}

nonisolated(unsafe) private var loggingBootstrapped = false
func bootstrapLogging() {
    guard !loggingBootstrapped else { return }
    loggingBootstrapped = true
    LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
}
