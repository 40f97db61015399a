import COpenSSL

/// SHA-256 digests (used to store API tokens as hashes).
public enum SHA256Digest {
    /// The implementation, fetched once and kept for the life of the process.
    private nonisolated(unsafe) static let md: OpaquePointer? = COpenSSL_fetch_sha256()

    public static func hash(_ data: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        guard let md, EVP_Digest(data, data.count, &out, &len, md, nil) == 1, len == 32 else {
            throw CryptoError("EVP_Digest(SHA256)")
        }
        return out
    }
}
