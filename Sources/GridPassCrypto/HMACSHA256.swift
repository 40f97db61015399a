import COpenSSL
import Synchronization

/// HMAC-SHA256 under one key. The digest is fetched once and keyed contexts are kept in a small
/// pool and re-initialised per message, which avoids the per-call fetch of OpenSSL's one-shot `HMAC()`.
public final class HMACSHA256: Sendable {
    public static let outputSize = 32

    // The raw pointers are only touched while checked out of the pool, by one thread at a time.
    private struct Pool: ~Copyable, @unchecked Sendable {
        var free: [OpaquePointer] = []
    }

    private let template: Context
    private let pool = Mutex(Pool())

    /// - Parameter key: the secret key (any length; 32 bytes recommended).
    public init(key: some Collection<UInt8>) throws {
        template = try Context(key: Array(key))
    }

    deinit {
        pool.withLock { pool in
            for ctx in pool.free { EVP_MAC_CTX_free(ctx) }
            pool.free.removeAll()
        }
    }

    /// Computes the 32-byte MAC of `message`.
    public func mac(_ message: [UInt8]) throws -> [UInt8] {
        try message.withUnsafeBytes { try mac(bytes: $0) }
    }

    /// Computes the 32-byte MAC of the bytes in `message`.
    public func mac(bytes message: UnsafeRawBufferPointer) throws -> [UInt8] {
        let ctx = try checkOut()
        defer { checkIn(ctx) }
        var out = [UInt8](repeating: 0, count: Self.outputSize)
        guard COpenSSL_hmac_reset(ctx) == 1 else { throw CryptoError("EVP_MAC_init") }
        let ok = EVP_MAC_update(ctx, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        guard ok == 1 else { throw CryptoError("EVP_MAC_update") }
        var written = 0
        guard EVP_MAC_final(ctx, &out, &written, out.count) == 1, written == Self.outputSize else {
            throw CryptoError("EVP_MAC_final")
        }
        return out
    }

    /// Whether `tag` equals the first `tag.count` bytes of the MAC of `message`, compared in
    /// constant time. Tags shorter than 10 bytes (80 bits) are refused.
    public func verify(_ tag: some Collection<UInt8>, for message: [UInt8]) -> Bool {
        let tag = Array(tag)
        return tag.withUnsafeBytes { t in message.withUnsafeBytes { m in verify(tag: t, message: m) } }
    }

    /// The same on raw bytes, with the MAC computed into a stack buffer (the hot path of scans).
    public func verify(tag: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        guard tag.count >= 10, tag.count <= Self.outputSize, let ctx = try? checkOut() else { return false }
        defer { checkIn(ctx) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.outputSize) { out in
            var written = 0
            guard COpenSSL_hmac_reset(ctx) == 1,
                  EVP_MAC_update(ctx, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1,
                  EVP_MAC_final(ctx, out.baseAddress, &written, Self.outputSize) == 1, written == Self.outputSize
            else {
                ERR_clear_error()
                return false
            }
            return CRYPTO_memcmp(tag.baseAddress, out.baseAddress, tag.count) == 0
        }
    }

    private func checkOut() throws -> OpaquePointer {
        if let ctx = pool.withLock({ $0.free.popLast() }) { return ctx }
        guard let ctx = EVP_MAC_CTX_dup(template.ctx) else { throw CryptoError("EVP_MAC_CTX_dup") }
        return ctx
    }

    private func checkIn(_ ctx: OpaquePointer) {
        pool.withLock { pool in
            if pool.free.count < 64 { pool.free.append(ctx) } else { EVP_MAC_CTX_free(ctx) }
        }
    }

    /// Owns one keyed EVP_MAC_CTX (and the EVP_MAC it was made from).
    private final class Context: @unchecked Sendable {
        let ctx: OpaquePointer

        init(key: [UInt8]) throws {
            guard let mac = COpenSSL_fetch_hmac() else { throw CryptoError("EVP_MAC_fetch(HMAC)") }
            defer { EVP_MAC_free(mac) }  // the context holds its own reference
            guard let ctx = EVP_MAC_CTX_new(mac) else { throw CryptoError("EVP_MAC_CTX_new") }
            guard COpenSSL_hmac_init(ctx, key, key.count) == 1 else {
                EVP_MAC_CTX_free(ctx)
                throw CryptoError("EVP_MAC_init(SHA256)")
            }
            self.ctx = ctx
        }

        deinit { EVP_MAC_CTX_free(ctx) }
    }
}

/// Compares two byte sequences in time that depends only on their length (OpenSSL's CRYPTO_memcmp).
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    let a = Array(a), b = Array(b)
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return CRYPTO_memcmp(a, b, a.count) == 0
}
