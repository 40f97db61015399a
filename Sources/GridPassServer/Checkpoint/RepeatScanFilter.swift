import Synchronization

/// One code scanned again at the same checkpoint within a few seconds (a handheld scanner and the
/// camera both reading it, a retry, a guard pressing Enter twice) is one check: `VerifyService`
/// still answers every time but logs only the first scan of the window.
///
/// The window is kept in this process's memory, per server node: on PostgreSQL with several
/// `serve` nodes, the same code sent to two nodes within the window is logged once by each. That
/// keeps verification free of a database round trip; the guard page does not re-send a code it
/// has just sent, so both reads of one page reach one node in practice.
public final class RepeatScanFilter: Sendable {
    /// 3 s: a scanner and the camera reading one code, a retry, Enter pressed twice.
    public static let defaultWindow: Duration = .seconds(3)

    struct Key: Hashable {
        let code: String
        let checkpointID: Int64?
    }

    private struct State {
        var seen: [Key: ContinuousClock.Instant] = [:]
        var swept: ContinuousClock.Instant
    }

    let window: Duration
    private let state: Mutex<State>

    /// A zero window logs every scan (`serve --repeat-window 0`).
    init(window: Duration = defaultWindow) {
        self.window = window
        self.state = Mutex(State(swept: .now))
    }

    /// True when `code` was let through at `checkpointID` less than `window` before `now`;
    /// otherwise it is let through (remembered from `now` on) and the answer is false.
    func isRepeat(_ code: String, at checkpointID: Int64?, now: ContinuousClock.Instant = .now) -> Bool {
        guard window > .zero else { return false }  // every scan logged: nothing to remember
        let key = Key(code: code, checkpointID: checkpointID)
        return state.withLock { state in
            if now - state.swept >= window {  // forget what is past the window, once a window
                state.seen = state.seen.filter { now - $0.value < window }
                state.swept = now
            }
            if let at = state.seen[key], now - at < window { return true }
            state.seen[key] = now
            return false
        }
    }

    /// How many codes are remembered (for tests).
    var count: Int { state.withLock { $0.seen.count } }
}
