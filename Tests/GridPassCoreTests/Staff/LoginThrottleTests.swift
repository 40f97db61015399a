import GridPassCore
import Testing

@Suite("Sign-in throttle state machine")
struct LoginThrottleTests {
    let policy = LoginThrottle.Policy(maxFailures: 5, window: 900, lockSeconds: 900)

    @Test("the fifth failure within the window locks until lockSeconds later; the lock then lapses")
    func locks() {
        var state = LoginThrottle.fresh
        for i in 0..<4 {
            #expect(state.check(now: 1000 + Int64(i), policy: policy) == .allowed(remaining: 5 - i))
            state = state.failed(now: 1000 + Int64(i), policy: policy)
        }
        #expect(state.lockedUntil == nil && state.failures == 4)
        state = state.failed(now: 1010, policy: policy)
        #expect(state.lockedUntil == 1910)
        #expect(state.check(now: 1909, policy: policy) == .locked(until: 1910))
        // Failures while locked change nothing (the password is not even looked at).
        #expect(state.failed(now: 1500, policy: policy) == state)
        #expect(state.check(now: 1910, policy: policy) == .allowed(remaining: 5))
        #expect(state.failed(now: 1910, policy: policy) == LoginThrottle(failures: 1, windowStart: 1910))
        #expect(!state.isLive(now: 1910, policy: policy) && state.isLive(now: 1900, policy: policy))
    }

    @Test("failures older than the window are forgotten")
    func window() {
        var state = LoginThrottle.fresh
        for t in [0, 100, 200, 300] as [Int64] { state = state.failed(now: t, policy: policy) }
        #expect(state.check(now: 899, policy: policy) == .allowed(remaining: 1))
        #expect(state.check(now: 900, policy: policy) == .allowed(remaining: 5))
        state = state.failed(now: 950, policy: policy)
        #expect(state == LoginThrottle(failures: 1, windowStart: 950))
    }

    @Test("the address policy allows more failures than the account policy")
    func policies() {
        #expect(LoginThrottle.Policy.account.maxFailures == 5 && LoginThrottle.Policy.account.lockSeconds == 900)
        #expect(LoginThrottle.Policy.address.maxFailures > LoginThrottle.Policy.account.maxFailures)
    }
}

@Suite("CSRF tokens and CSV")
struct CSRFAndCSVTests {
    @Test("tokens are 52 base32 characters, different each time, and compared exactly")
    func tokens() throws {
        let a = try CSRFToken.make(), b = try CSRFToken.make()
        #expect(a.count == 52 && a != b && Base32.decode(a) != nil)
        #expect(CSRFToken.matches(expected: a, submitted: a))
        #expect(!CSRFToken.matches(expected: a, submitted: b))
        #expect(!CSRFToken.matches(expected: a, submitted: String(a.dropLast())))
        #expect(!CSRFToken.matches(expected: a, submitted: nil))
        #expect(!CSRFToken.matches(expected: nil, submitted: a))
        #expect(!CSRFToken.matches(expected: "", submitted: ""))
    }

    @Test("CSV quotes what needs quoting and defuses formulas")
    func csv() {
        let text = CSVTable.render(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["=1+1", "-3"], ["张*华", "line\nbreak"]])
        #expect(text == "\u{FEFF}a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=1+1,'-3\r\n张*华,\"line\nbreak\"\r\n")
    }
}
