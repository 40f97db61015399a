import Synchronization

/// The poster serial of each place, as every registration and poster scan checks it, kept while
/// no poster has been rotated since it was read. `SQLitePlaceRepository.rotatePoster` — the only
/// write of a serial — counts each rotation in the data directory's `ChangeCounter` (its own
/// slot) after its commit, in this process or a CLI command's: a serial read when the count was
/// N is used only while the count is still N, so a rotated poster is refused from the very next
/// scan. Entries also expire after `ttl`, which bounds how long a rotation could go unseen if a
/// process died between its commit and counting it.
final class PosterSerialCache: Sendable {
    private struct State: ~Copyable {
        /// The count the serials were read under.
        var stamp: UInt64 = 0
        var serials: [Int64: (serial: Int, expires: ContinuousClock.Instant)] = [:]
    }

    private let changes: ChangeCounter
    private let state = Mutex(State())
    private let ttl: Duration

    init(changes: ChangeCounter, ttl: Duration = .seconds(10)) {
        self.changes = changes
        self.ttl = ttl
    }

    /// The serial of `placeID`: cached, or `read` from the database (nil, not cached: no such place).
    func serial(placeID: Int64, read: () throws -> Int?) rethrows -> Int? {
        let stamp = changes.current
        let now = ContinuousClock.now
        let cached = state.withLock { state -> Int? in
            guard state.stamp == stamp, let entry = state.serials[placeID], entry.expires > now else { return nil }
            return entry.serial
        }
        if let cached { return cached }
        guard let serial = try read() else { return nil }
        state.withLock { state in
            if state.stamp != stamp {
                guard state.stamp < stamp else { return }  // read under an older count than the entries: do not keep
                state.stamp = stamp
                state.serials.removeAll(keepingCapacity: true)
            }
            state.serials[placeID] = (serial, now + ttl)
        }
        return serial
    }

    /// Call after a rotation has been committed, before answering whoever asked for it.
    func rotated() { changes.bump() }
}
