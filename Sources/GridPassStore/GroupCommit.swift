import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being written wait, then all of them
/// run in the next transaction, each inside its own savepoint (a failing one rolls back alone),
/// and every caller is answered after that one commit and its single disk flush. Under load a
/// burst of registrations costs one fsync instead of one each; alone, a write commits at once.
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State: ~Copyable {
        var queue: [Job] = []
        var running = false
    }

    private let db: DatabasePool
    private let state = Mutex(State())

    init(_ db: DatabasePool) { self.db = db }

    /// Runs `work` in a write transaction shared with other waiting writes; returns once committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        if let value { result.withLock { $0 = .success(value) } }
                    } catch {
                        result.withLock { $0 = .failure(error) }
                    }
                },
                finish: { commitError in
                    if let commitError { continuation.resume(throwing: commitError); return }
                    switch result.withLock({ $0 }) {
                    case .success(let value)?: continuation.resume(returning: value)
                    case .failure(let error)?: continuation.resume(throwing: error)
                    case nil: continuation.resume(throwing: DatabaseError(message: "group commit: job did not run"))
                    }
                })
            let start = state.withLock { state -> Bool in
                state.queue.append(job)
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes batches until no job is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let jobs = state.queue
                state.queue.removeAll(keepingCapacity: true)
                if jobs.isEmpty { state.running = false }
                return jobs
            }
            if batch.isEmpty { return }
            let runs = batch.map(\.run)
            do {
                try await db.write { db in for run in runs { run(db) } }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}
