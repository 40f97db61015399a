import Synchronization

/// Look-ups of single keys that many requests make at once, answered by one query a batch.
///
/// Exact, not a cache: a look-up is answered by a query that BEGINS AFTER it was asked, so it
/// sees every change committed (on any node) before it was asked. Look-ups asked while
/// `maxRunning` queries are out wait for the next one and share it; an idle server asks at once
/// (one round trip), a busy one asks for tens of keys a round trip. Every waiter is resumed:
/// with its value, nil (no row), or the query's error.
final class BatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Waiter = CheckedContinuation<Value?, any Error>
    private struct State {
        var pending: [(Key, Waiter)] = []
        var running = 0
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
        try await withCheckedThrowingContinuation { waiter in
            let batch = state.withLock { state -> [(Key, Waiter)]? in
                state.pending.append((key, waiter))
                guard state.running < maxRunning else { return nil }
                state.running += 1
                return Self.take(&state.pending, maxBatch)
            }
            if let batch { Task { await self.run(batch) } }
        }
    }

    private static func take(_ pending: inout [(Key, Waiter)], _ limit: Int) -> [(Key, Waiter)] {
        if pending.count <= limit { defer { pending = [] }; return pending }
        defer { pending.removeFirst(limit) }
        return Array(pending.prefix(limit))
    }

    /// Answers `batch`, then whatever was asked meanwhile, until nothing waits.
    private func run(_ first: [(Key, Waiter)]) async {
        var batch = first
        while true {
            var keys: [Key] = []
            var seen = Set<Key>()
            for (key, _) in batch where seen.insert(key).inserted { keys.append(key) }
            do {
                let found = try await fetch(keys)
                for (key, waiter) in batch { waiter.resume(returning: found[key]) }
            } catch {
                for (_, waiter) in batch { waiter.resume(throwing: error) }
            }
            let next = state.withLock { state -> [(Key, Waiter)]? in
                guard !state.pending.isEmpty else { state.running -= 1; return nil }
                return Self.take(&state.pending, maxBatch)
            }
            guard let next else { return }
            batch = next
        }
    }
}
