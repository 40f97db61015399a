/// Failed sign-ins of one account or one client address, and the lock they lead to.
///
/// A pure state machine: the caller keeps the state (SQLite per account, memory per address),
/// asks `check` before verifying a password, and records the outcome.
public struct LoginThrottle: Sendable, Equatable {
    /// How many failures within `window` seconds lock for `lockSeconds`.
    public struct Policy: Sendable, Equatable {
        public var maxFailures: Int
        public var window: Int64
        public var lockSeconds: Int64

        public init(maxFailures: Int, window: Int64, lockSeconds: Int64) {
            self.maxFailures = maxFailures
            self.window = window
            self.lockSeconds = lockSeconds
        }

        /// Five wrong passwords within 15 minutes lock an account for 15 minutes.
        public static let account = Policy(maxFailures: 5, window: 900, lockSeconds: 900)
        /// An address (an office behind one NAT, say) may fail more often before it is locked.
        public static let address = Policy(maxFailures: 20, window: 900, lockSeconds: 900)
    }

    public enum Decision: Sendable, Equatable {
        /// Verify the password; `remaining` more failures are allowed before the lock.
        case allowed(remaining: Int)
        /// Refused without looking at the password until `until` (Unix seconds).
        case locked(until: Int64)
    }

    /// Failures counted in the current window.
    public var failures: Int
    /// When the first failure of the current window happened.
    public var windowStart: Int64
    public var lockedUntil: Int64?

    public init(failures: Int = 0, windowStart: Int64 = 0, lockedUntil: Int64? = nil) {
        self.failures = failures
        self.windowStart = windowStart
        self.lockedUntil = lockedUntil
    }

    public static let fresh = LoginThrottle()

    /// The state as it stands at `now`: an expired lock or window is forgotten.
    public func current(now: Int64, policy: Policy) -> LoginThrottle {
        if let lockedUntil, now < lockedUntil { return self }
        if lockedUntil != nil || failures == 0 || now - windowStart >= policy.window { return .fresh }
        return self
    }

    public func check(now: Int64, policy: Policy) -> Decision {
        let state = current(now: now, policy: policy)
        if let until = state.lockedUntil { return .locked(until: until) }
        return .allowed(remaining: policy.maxFailures - state.failures)
    }

    /// The state after a wrong password at `now`; the failure that reaches the limit locks.
    public func failed(now: Int64, policy: Policy) -> LoginThrottle {
        var state = current(now: now, policy: policy)
        guard state.lockedUntil == nil else { return state }  // already locked: nothing more to count
        if state.failures == 0 { state.windowStart = now }
        state.failures += 1
        if state.failures >= policy.maxFailures { state.lockedUntil = now + policy.lockSeconds }
        return state
    }

    /// Whether the state still matters at `now` (else it may be forgotten).
    public func isLive(now: Int64, policy: Policy) -> Bool {
        current(now: now, policy: policy) != .fresh
    }
}
