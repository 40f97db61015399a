import Foundation
import Synchronization

/// A small in-memory cache whose entries expire after `ttl` seconds, for data that changes
/// rarely and may be seen a few seconds late (places, users by token hash).
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let ttl: Duration
    private let capacity: Int

    init(ttl: Duration, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The cached value, or the one `load` returns (cached when not nil).
    func value(for key: Key, load: () async throws -> Value?) async rethrows -> Value? {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), hit.expires > now { return hit.value }
        guard let value = try await load() else { return nil }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, expires: now + ttl)
        }
        return value
    }
}
