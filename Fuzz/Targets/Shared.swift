import GridPassCore

/// Fixed keys for the harnesses (a fuzzer needs determinism, not secrecy).
enum FuzzKeys {
    static let ring: KeySet = {
        let poster = try! RingKey(id: 1, purpose: .posterTokens, createdAt: 0, secret: Array(repeating: 7, count: 32))
        let codes = try! RingKey(id: 2, purpose: .healthCodes, createdAt: 0, secret: Array(repeating: 9, count: 32))
        return KeySet([poster, codes])
    }()
    static let now: Int64 = 1_800_000_000
}

/// A property that does not hold: abort, so that libFuzzer keeps the input that broke it.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property broken: " + message()) }
}
