import GridPassStore
import Logging
import ServiceLifecycle

/// Copies the write-ahead log into the database file every `interval`, beside the writer (the
/// server opens its database with `backgroundCheckpoints`), and once more at shutdown.
struct CheckpointService: Service {
    static let interval: Duration = .milliseconds(500)
    let checkpointer: Checkpointer
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                await checkpoint()
            }
        }
        await checkpoint()
    }

    private func checkpoint() async {
        do {
            try await checkpointer.checkpoint()
        } catch {
            logger.error("checkpoint failed; the write-ahead log keeps the data meanwhile", metadata: ["error": "\(error)"])
        }
    }
}
