import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded by the OS).
public enum SecureRandom {
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw CryptoError("RAND_bytes") }
        return out
    }
}
