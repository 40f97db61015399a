import ArgumentParser
import Foundation
import GridPassCore

/// `gridpass bench verify`: GP1 health codes verified per second, single-threaded, in-process,
/// through `HealthCode.verify` (length and prefix check, base32 decoding, parsing, key look-up,
/// HMAC-SHA256 with the key's pooled context, constant-time tag compare, validity window): the
/// first step of every scan (`VerifyService.verify`), without the database and HTTP.
/// `scripts/bench-src/hmac_bench.c` is the baseline: raw OpenSSL HMAC-SHA256 over 32-byte
/// messages with one reused context and a 16-byte tag compare (scripts/bench-verify).
struct BenchVerify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
                                                    abstract: "Health codes verified per second, in-process.")

    @Option(help: "Distinct codes to sign (each with its own person reference) and verify.") var count = 1000
    @Option(help: "Minimum measuring time; the codes are verified again until it has passed.") var seconds = 3.0

    func validate() throws {
        guard count >= 1, seconds >= 0 else { throw ValidationError("--count must be ≥ 1 and --seconds ≥ 0") }
    }

    func run() throws {
        // A fresh in-memory key, as the key ring would hold it; nothing is written anywhere.
        let now = Int64(Date().timeIntervalSince1970)
        let key = try RingKey(id: 1, purpose: .healthCodes, createdAt: now, secret: SecureRandomBytes.make(32))
        let keys = KeySet([key])
        let colors: [HealthColor] = [.green, .yellow, .red]
        let codes = try (0..<count).map { i in
            try HealthCode.sign(person: PersonRef.random(), color: colors[i % 3], statusVersion: UInt32(i % 7 + 1),
                                issuedAt: now - 60, expiresAt: now + 86_400, with: key)
        }
        guard codes.allSatisfy({ $0.utf8.count == HealthCode.textLength }) else { throw ValidationError("unexpected code length") }

        var ok = 0
        for code in codes { if case .success = HealthCode.verify(code, keys: keys, now: now) { ok += 1 } }  // warm-up
        guard ok == count else { throw ValidationError("warm-up: \(count - ok) of \(count) codes did not verify") }

        ok = 0
        var verifies = 0, checksum: UInt64 = 0
        let clock = ContinuousClock(), start = clock.now, cpuStart = BenchPosters.cpuSeconds()
        var elapsed = 0.0
        repeat {
            for code in codes {
                if case .success(let payload) = HealthCode.verify(code, keys: keys, now: now) {
                    ok += 1
                    checksum &+= UInt64(payload.statusVersion)
                }
            }
            verifies += codes.count
            elapsed = (clock.now - start).inSeconds
        } while elapsed < seconds
        let cpu = BenchPosters.cpuSeconds() - cpuStart
        guard ok == verifies else { throw ValidationError("\(verifies - ok) of \(verifies) verifications failed") }

        print("impl=swift verifies_per_sec=\(fmt(Double(verifies) / elapsed))"
              + " verifies_per_cpu_sec=\(fmt(Double(verifies) / cpu)) count=\(count) verifies=\(verifies)"
              + " seconds=\(fmt(elapsed, 3)) cpu_seconds=\(fmt(cpu, 3)) code_chars=\(HealthCode.textLength)"
              + " body_bytes=32 tag_bytes=\(HealthCode.tagSize) ok=\(ok) checksum=\(checksum) code_example=\(codes[0])")
    }

    private func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
}

/// Random key material for the benchmark key (PersonRef.random draws from the same DRBG).
private enum SecureRandomBytes {
    static func make(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count { out += try PersonRef.random().bytes }
        return Array(out.prefix(count))
    }
}
