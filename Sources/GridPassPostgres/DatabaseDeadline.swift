import Logging
import PostgresNIO
import Synchronization

/// How long a request may wait for the database (CONTRACT §8: while it cannot be reached, a
/// request answers 503 within seconds, never hangs). Set for a request's work by
/// `PostgresDatabase.perRequest(deadline:)`; a wait for the database inside it ends by then:
///
/// - a wait for a shared query (`BatchedLookup`, the scans' and registrations' hot path) is ended
///   by its lookup's ticker, without any task of its own;
/// - a query or transaction on the pool (`PostgresDatabase.client`, `transaction`) runs in a child
///   task that one shared ticker (`DeadlineWatch`) cancels past the deadline; the pool then gives
///   up waiting for a connection.
///
/// Either way the request gets `DatabaseTimeout`, which `PostgresDatabase.isUnreachable` counts
/// as the database being away. Limits: postgres-nio stops waiting for a connection when
/// cancelled, but not for the answer to a query already sent, so a query on a connection that
/// goes silent without closing (a frozen host, a partition) waits for TCP to give up; a server
/// that stops or crashes closes its connections, and those waits end at once.
public enum DatabaseDeadline {
    @TaskLocal static var current: ContinuousClock.Instant?
}

/// The database did not answer within the request's deadline.
public struct DatabaseTimeout: Error, CustomStringConvertible {
    public var description: String { "the database did not answer in time" }
}

/// Deadlines for many concurrent operations with one ticker: an operation past its deadline has
/// its task cancelled (what it awaits then throws `CancellationError`, e.g. the pool's wait for a
/// connection) and is reported `expired`. The ticker runs only while operations are in flight.
final class DeadlineWatch: Sendable {
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case failed(any Error)
        /// Ended after its deadline, with a value or (most likely) the cancellation's error:
        /// either is dropped, and the caller answers as for a timeout.
        case expired
    }

    /// A running operation's task: only touched under `state`'s lock, and removed before the
    /// operation returns, so the ticker never cancels a task that has finished.
    private struct Entry: @unchecked Sendable {
        let task: UnsafeCurrentTask
        let deadline: ContinuousClock.Instant
    }
    private struct State {
        var entries: [UInt64: Entry] = [:]
        var expired: Set<UInt64> = []
        var next: UInt64 = 0
        var ticking = false
    }
    private let state = Mutex(State())
    let tick: Duration

    static let shared = DeadlineWatch()

    init(tick: Duration = .milliseconds(200)) {
        self.tick = tick
    }

    /// Runs `operation` in the current task, cancelling it if it is still running at `deadline`.
    func run<T: Sendable>(until deadline: ContinuousClock.Instant, _ operation: () async throws -> T) async -> Outcome<T> {
        await withUnsafeCurrentTask { task -> Outcome<T> in
            guard let task else {  // not in a task (never the case here): no deadline
                do { return .finished(try await operation()) } catch { return .failed(error) }
            }
            let (id, startTicker) = state.withLock { state -> (UInt64, Bool) in
                state.next &+= 1
                state.entries[state.next] = Entry(task: task, deadline: deadline)
                defer { state.ticking = true }
                return (state.next, !state.ticking)
            }
            if startTicker { Task { await self.runTicker() } }
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            let expired = state.withLock { state in
                state.entries[id] = nil
                return state.expired.remove(id) != nil
            }
            if expired { return .expired }
            switch result {
            case .success(let value): return .finished(value)
            case .failure(let error): return .failed(error)
            }
        }
    }

    /// Runs `operation` in a child task that is cancelled at `deadline` (the caller's own task is
    /// never cancelled, so it can still answer): its value, its error, or `DatabaseTimeout`.
    func bounded<T: Sendable>(until deadline: ContinuousClock.Instant, _ operation: () async throws -> T) async throws -> T {
        let outcome = await withoutActuallyEscaping(operation) { operation in
            let op = Operation(run: operation)
            return await withTaskGroup(of: Outcome<T>.self) { group in
                group.addTask { await self.run(until: deadline) { try await op.run() } }
                return await group.next()!
            }
        }
        switch outcome {
        case .finished(let value): return value
        case .failed(let error): throw error
        case .expired: throw DatabaseTimeout()
        }
    }

    /// The operation, for the child task that runs it (see `bounded`: it never escapes).
    private struct Operation<T>: @unchecked Sendable {
        let run: () async throws -> T
    }

    private func runTicker() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let done = state.withLock { state -> Bool in
                for (id, entry) in state.entries where entry.deadline <= now && !state.expired.contains(id) {
                    state.expired.insert(id)
                    entry.task.cancel()
                }
                if state.entries.isEmpty { state.ticking = false; return true }
                return false
            }
            if done { return }
        }
    }
}

/// The pool of a `PostgresDatabase` as its repositories use it: each call waits for the database
/// no longer than the request's deadline (`DatabaseDeadline`); without one (CLI commands,
/// background work, the shared queries of `BatchedLookup`) it is the pool itself.
struct BoundedClient: Sendable {
    let pool: PostgresClient

    func bounded<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        guard let deadline = DatabaseDeadline.current else { return try await operation() }
        return try await DeadlineWatch.shared.bounded(until: deadline, operation)
    }

    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger? = nil) async throws -> PostgresRowSequence {
        try await bounded { try await pool.query(query, logger: logger) }
    }

    /// Every row of `query`, read by `read`.
    func rows<T: Sendable>(_ query: PostgresQuery, _ read: @escaping @Sendable (Cells) throws -> T) async throws -> [T] {
        try await bounded { try await pool.rows(query, read) }
    }

    /// Every row of the prepared statement.
    func rows<S: HotStatement>(_ statement: S, logger: Logger) async throws -> [S.Row] where S.Row: Sendable {
        try await bounded { try await pool.rows(statement, logger: logger) }
    }

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await bounded { try await pool.withConnection { connection in try await body(connection) } }
    }
}
