import Synchronization

/// Look-ups of single keys that many requests make at once, answered by one query a batch.
///
/// Exact, not a cache: a look-up is answered by a query that BEGINS AFTER it was asked, so it
/// sees every change committed (on any node) before it was asked. Look-ups asked while
/// `maxRunning` queries are out wait for the next one and share it; an idle server asks at once
/// (one round trip), a busy one asks for tens of keys a round trip. Every waiter is resumed
/// exactly once: with its value, nil (no row), the query's error, `CancellationError` when its
/// task is cancelled first, or `DatabaseTimeout` at its request's deadline (`DatabaseDeadline`;
/// a ticker of this lookup runs while such waiters wait). The queries themselves run in tasks of
/// their own, bound to no request's deadline.
final class BatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Waiter = CheckedContinuation<Value?, any Error>
    private struct State {
        var pending: [(id: UInt64, key: Key)] = []
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
        var running = 0
        /// The deadlines of waiters that have one.
        var deadlines: [UInt64: ContinuousClock.Instant] = [:]
        var ticking = false
    }
    private let state = Mutex(State())
    private let maxRunning: Int
    private let maxBatch: Int
    private let fetch: @Sendable ([Key]) async throws -> [Key: Value]

    /// `fetch` gets distinct keys and returns the rows it found (absent keys: nil to their waiters).
    init(maxRunning: Int = 4, maxBatch: Int = 256, fetch: @escaping @Sendable ([Key]) async throws -> [Key: Value]) {
        self.maxRunning = maxRunning
        self.maxBatch = maxBatch
        self.fetch = fetch
    }

    func value(for key: Key) async throws -> Value? {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        let deadline = DatabaseDeadline.current
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let (batch, startTicker) = state.withLock { state -> ([(id: UInt64, key: Key)]?, Bool) in
                    state.waiters[id] = waiter
                    state.pending.append((id, key))
                    var startTicker = false
                    if let deadline {
                        state.deadlines[id] = deadline
                        startTicker = !state.ticking
                        state.ticking = true
                    }
                    guard state.running < maxRunning else { return (nil, startTicker) }
                    state.running += 1
                    return (Self.take(&state.pending, maxBatch), startTicker)
                }
                if let batch { Task { await Self.unbound { await self.run(batch) } } }
                if startTicker { Task { await self.runTicker() } }
                if Task.isCancelled {  // cancelled before the waiter was there for the handler to find
                    remove(id)?.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            // Whoever removes a waiter resumes it: this handler, the ticker or the batch, only one.
            remove(id)?.resume(throwing: CancellationError())
        }
    }

    /// Removes waiter `id` and, if its key has not been sent yet, its key: a look-up given up
    /// (a request answered 503) is not sent afterwards (for `newPeople`: not stored).
    private func remove(_ id: UInt64) -> Waiter? {
        state.withLock { state in Self.remove(id, &state) }
    }

    private static func remove(_ id: UInt64, _ state: inout State) -> Waiter? {
        state.deadlines[id] = nil
        guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
        if let index = state.pending.firstIndex(where: { $0.id == id }) { state.pending.remove(at: index) }
        return waiter
    }

    /// Runs a batch's queries in a task bound to no request: neither the deadline nor the
    /// per-request reading of versions of the request that happened to start it.
    private static func unbound(_ work: () async -> Void) async {
        await DatabaseDeadline.$current.withValue(nil) {
            await PostgresDatabase.$requestVersions.withValue(nil) { await work() }
        }
    }

    /// Ends the waits past their deadline with `DatabaseTimeout`, while any waiter has one.
    private func runTicker() async {
        while true {
            try? await Task.sleep(for: .milliseconds(200))
            let now = ContinuousClock.now
            let (late, done) = state.withLock { state -> ([Waiter], Bool) in
                var late: [Waiter] = []
                for (id, deadline) in state.deadlines where deadline <= now {
                    if let waiter = Self.remove(id, &state) { late.append(waiter) }
                }
                if state.deadlines.isEmpty { state.ticking = false; return (late, true) }
                return (late, false)
            }
            for waiter in late { waiter.resume(throwing: DatabaseTimeout()) }
            if done { return }
        }
    }

    private static func take(_ pending: inout [(id: UInt64, key: Key)], _ limit: Int) -> [(id: UInt64, key: Key)] {
        if pending.count <= limit { defer { pending = [] }; return pending }
        defer { pending.removeFirst(limit) }
        return Array(pending.prefix(limit))
    }

    /// Answers `batch`, then whatever was asked meanwhile, until nothing waits.
    private func run(_ first: [(id: UInt64, key: Key)]) async {
        var batch = first
        while true {
            var keys: [Key] = []
            var seen = Set<Key>()
            for (_, key) in batch where seen.insert(key).inserted { keys.append(key) }
            let result: Result<[Key: Value], any Error>
            do { result = .success(try await fetch(keys)) } catch { result = .failure(error) }
            let (waiting, next) = state.withLock { state -> ([(Waiter, Key)], [(id: UInt64, key: Key)]?) in
                let waiting = batch.compactMap { id, key in
                    state.deadlines[id] = nil
                    return state.waiters.removeValue(forKey: id).map { ($0, key) }
                }
                guard !state.pending.isEmpty else {
                    state.running -= 1
                    return (waiting, nil)
                }
                return (waiting, Self.take(&state.pending, maxBatch))
            }
            for (waiter, key) in waiting {
                switch result {
                case .success(let found): waiter.resume(returning: found[key])
                case .failure(let error): waiter.resume(throwing: error)
                }
            }
            guard let next else { return }
            batch = next
        }
    }
}
