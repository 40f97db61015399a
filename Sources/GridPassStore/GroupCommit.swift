import Dispatch
import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being written wait, then all of them
/// run in the next transaction, each inside its own savepoint (a failing one rolls back alone),
/// and every caller is answered after that one commit and its single disk flush. Under load a
/// burst of registrations costs one fsync instead of one each; alone, a write commits at once.
/// Every commit is counted in the data directory's `ChangeCounter` before anyone is answered
/// (but for the background pass's, which change nothing a scan reads: see `write`).
///
/// The batches are written one after the other by a loop on a serial dispatch queue of its own,
/// with GRDB's synchronous `write`, which runs on that same thread: under load the writer goes
/// from one batch to the next without handing work to another thread (a hop to GRDB's queue and
/// back to a task cost ~0.1 ms each on busy cores, and the batches are the one serial path).
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        /// Runs the work and keeps its result; with `savepoint` inside its own savepoint (a
        /// failure rolls back that job alone and is kept as its result), without it a failure
        /// is thrown (and the whole batch is tried again job by job).
        let run: @Sendable (Database, _ savepoint: Bool) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
        /// Whether the commit must be counted for the scans' cache (see `write`).
        let changesStandings: Bool
    }

    private struct State: ~Copyable {
        var queue: [Job] = []
        var running = false
    }

    private let db: DatabasePool
    private let changes: ChangeCounter
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "gridpass.group-commit", qos: .userInitiated)

    init(_ db: DatabasePool, changes: ChangeCounter) {
        self.db = db
        self.changes = changes
    }

    /// Runs `work` in a write transaction shared with other waiting writes; returns once committed.
    /// The commit is counted in the change counter (emptying the scans' cache) unless every job
    /// of the batch says, with `changesStandings: false`, that it changes nothing a scan reads.
    func write<T: Sendable>(changesStandings: Bool = true, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db, savepoint in
                    guard savepoint else {
                        let value = try work(db)
                        result.withLock { $0 = .success(value) }
                        return
                    }
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
                },
                changesStandings: changesStandings)
            let start = state.withLock { state -> Bool in
                state.queue.append(job)
                if state.running { return false }
                state.running = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Writes batches until no job is waiting (on `queue`).
    private func drain() {
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
                // Optimistically without savepoints (almost every job succeeds); if one fails,
                // the transaction rolls back and the batch runs again, each job in a savepoint.
                // Jobs read what they need inside the transaction, so running again is safe.
                do {
                    try db.write { db in for run in runs { try run(db, false) } }
                } catch {
                    try db.write { db in for run in runs { try run(db, true) } }
                }
                if batch.contains(where: \.changesStandings) { changes.bump() }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}
