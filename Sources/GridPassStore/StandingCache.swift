import GridPassCore
import Synchronization

/// What scans read about a person (kind, status, status version, place, name), kept while
/// nothing has changed. Every commit that writes people goes through `GroupCommit`, in this
/// process or a CLI command's, and is counted in the data directory's `ChangeCounter`: an entry
/// read when the count was N is used only while the count is still N, so a flag, a review, a
/// report, a risk change or a re-registration is seen by the very next scan. Entries also
/// expire after `ttl`, which bounds how long a change could go unseen if a process died between
/// its commit and counting it.
final class StandingCache: Sendable {
    private struct Entry: Sendable {
        let standing: StoredStanding
        let expires: ContinuousClock.Instant
    }

    private struct State: ~Copyable {
        /// The count the entries were read under.
        var stamp: UInt64 = 0
        /// By the reference's 8 bytes as one integer: hashing an integer costs less than an array.
        var entries: [UInt64: Entry] = [:]
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

    /// The count to read under: take it before reading the database.
    func stamp() -> UInt64 { changes.current }

    /// The cached standing, if it was read under `stamp` and has not expired.
    func value(for ref: PersonRef, stamp: UInt64) -> StoredStanding? {
        let now = ContinuousClock.now
        return state.withLock { state -> StoredStanding? in
            guard state.stamp == stamp else {
                if stamp > state.stamp {  // something changed: everything read before is out of date
                    state.entries.removeAll(keepingCapacity: true)
                    state.stamp = stamp
                }
                return nil
            }
            guard let entry = state.entries[Self.key(ref)], entry.expires > now else { return nil }
            return entry.standing
        }
    }

    /// Keeps what was read under `stamp`, unless the count has moved on since.
    func store(_ standing: StoredStanding, for ref: PersonRef, stamp: UInt64) {
        let expires = ContinuousClock.now + ttl
        state.withLock { state in
            guard state.stamp == stamp else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[Self.key(ref)] = Entry(standing: standing, expires: expires)
        }
    }

    private static func key(_ ref: PersonRef) -> UInt64 {
        ref.bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
