import GridPassCore
import Synchronization

/// Values read from the database, kept while nothing of their kind has changed. Every write of
/// that kind, in this process or a CLI command's, is counted in the data directory's
/// `ChangeCounter` after its commit and before anyone is answered: a value read when the count
/// was N is used only while the count is still N, so the change is seen by the very next read.
/// Entries also expire after `ttl`, which bounds how long a change could go unseen if a process
/// died between its commit and counting it.
///
/// Two of them: what scans read about a person (`StandingCache`; every commit through
/// `GroupCommit` counts, so a flag, a review, a report, a risk change or a re-registration is
/// seen by the next scan) and the poster serial of each place (`PosterSerialCache`; each poster
/// rotation counts, so a replaced poster is refused from the next request).
final class CountedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    private struct State: ~Copyable {
        /// The count the entries were read under.
        var stamp: UInt64 = 0
        var entries: [Key: Entry] = [:]
    }

    private let changes: ChangeCounter
    private let state = Mutex(State())
    private let ttl: Duration
    private let capacity: Int

    init(changes: ChangeCounter, ttl: Duration = .seconds(10), capacity: Int = 200_000) {
        self.changes = changes
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The value of `key`: kept, or `read` from the database and kept (nil, "no such row", is
    /// not kept). The count is taken before the read, so a commit that races with it leaves an
    /// entry that the next read already finds out of date.
    func value(for key: Key, read: () throws -> Value?) rethrows -> Value? {
        let stamp = stamp()
        if let kept = value(for: key, stamp: stamp) { return kept }
        guard let value = try read() else { return nil }
        store(value, for: key, stamp: stamp)
        return value
    }

    /// Counts a change of this kind: call after its commit, before answering whoever made it.
    func changed() { changes.bump() }

    /// The count to read under: take it before reading the database.
    func stamp() -> UInt64 { changes.current }

    /// The kept value, if it was read under `stamp` and has not expired.
    func value(for key: Key, stamp: UInt64) -> Value? {
        let now = ContinuousClock.now
        return state.withLock { state -> Value? in
            guard state.stamp == stamp else {
                if stamp > state.stamp {  // something changed: everything read before is out of date
                    state.entries.removeAll(keepingCapacity: true)
                    state.stamp = stamp
                }
                return nil
            }
            guard let entry = state.entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    /// Keeps what was read under `stamp`, unless the count has moved on since.
    func store(_ value: Value, for key: Key, stamp: UInt64) {
        let expires = ContinuousClock.now + ttl
        state.withLock { state in
            guard state.stamp == stamp else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, expires: expires)
        }
    }
}

/// What a scan reads about a person, by reference.
typealias StandingCache = CountedCache<PersonRef, StoredStanding>

/// The poster serial of each place, by place id.
typealias PosterSerialCache = CountedCache<Int64, Int>
