import GridPassCore
import Synchronization

/// Failed sign-ins per client address, in memory (an address's counter need not survive a
/// restart; an account's does and is kept in SQLite). Bounded: forgotten states are pruned.
final class AddressThrottle: Sendable {
    let policy: LoginThrottle.Policy
    let states = Mutex<[String: LoginThrottle]>([:])
    static let maxEntries = 10_000

    init(policy: LoginThrottle.Policy = .address) { self.policy = policy }

    func check(_ address: String, now: Int64) -> LoginThrottle.Decision {
        states.withLock { ($0[address] ?? .fresh).check(now: now, policy: policy) }
    }

    @discardableResult
    func failed(_ address: String, now: Int64) -> LoginThrottle {
        states.withLock { states in
            let next = (states[address] ?? .fresh).failed(now: now, policy: policy)
            states[address] = next
            if states.count > Self.maxEntries {
                states = states.filter { $0.value.isLive(now: now, policy: policy) }
                // Still full of live entries (a spray from very many addresses): start afresh
                // rather than grow without bound; each account stays protected by its own lock.
                if states.count > Self.maxEntries { states = [address: next] }
            }
            return next
        }
    }
}
