import COpenSSL

/// AES-256-GCM with a random 96-bit nonce. A sealed box is `nonce ‖ ciphertext ‖ tag`.
public struct AES256GCM: Sendable {
    public static let keySize = 32
    public static let nonceSize = 12
    public static let tagSize = 16

    private let key: [UInt8]
    /// The implementation, fetched once and kept for the life of the process.
    private nonisolated(unsafe) static let cipher: OpaquePointer? = COpenSSL_fetch_aes256gcm()

    public init(key: [UInt8]) throws {
        guard key.count == Self.keySize else { throw CryptoError.invalidKeySize }
        self.key = key
    }

    /// Encrypts and authenticates `plaintext`, binding `associatedData` (not stored) to it.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let nonce = try SecureRandom.bytes(Self.nonceSize)
        let cipher = try CipherContext()
        let ctx = cipher.ctx
        guard EVP_EncryptInit_ex(ctx, Self.cipher, nil, nil, nil) == 1 else { throw CryptoError("EVP_EncryptInit_ex") }
        guard COpenSSL_gcm_set_ivlen(ctx, Int32(Self.nonceSize)) == 1 else { throw CryptoError("GCM set IV length") }
        guard EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1 else { throw CryptoError("EVP_EncryptInit_ex(key)") }
        var len: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &len, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError("EVP_EncryptUpdate(aad)")
            }
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var total = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(ctx, &out, &len, plaintext, Int32(plaintext.count)) == 1 else {
                throw CryptoError("EVP_EncryptUpdate")
            }
            total = Int(len)
        }
        let finalOK = out.withUnsafeMutableBufferPointer { buf in
            EVP_EncryptFinal_ex(ctx, buf.baseAddress! + total, &len)
        }
        guard finalOK == 1 else { throw CryptoError("EVP_EncryptFinal_ex") }
        total += Int(len)
        var tag = [UInt8](repeating: 0, count: Self.tagSize)
        guard COpenSSL_gcm_get_tag(ctx, &tag, Int32(Self.tagSize)) == 1 else { throw CryptoError("GCM get tag") }
        return nonce + out[0..<total] + tag
    }

    /// Decrypts a box made by `seal`; throws `CryptoError.authenticationFailed` if anything was changed.
    public func open(_ box: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard box.count >= Self.nonceSize + Self.tagSize else { throw CryptoError.malformedBox }
        let nonce = Array(box[0..<Self.nonceSize])
        let body = Array(box[Self.nonceSize..<(box.count - Self.tagSize)])
        var tag = Array(box[(box.count - Self.tagSize)...])
        let cipher = try CipherContext()
        let ctx = cipher.ctx
        guard EVP_DecryptInit_ex(ctx, Self.cipher, nil, nil, nil) == 1 else { throw CryptoError("EVP_DecryptInit_ex") }
        guard COpenSSL_gcm_set_ivlen(ctx, Int32(Self.nonceSize)) == 1 else { throw CryptoError("GCM set IV length") }
        guard EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1 else { throw CryptoError("EVP_DecryptInit_ex(key)") }
        var len: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &len, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError("EVP_DecryptUpdate(aad)")
            }
        }
        var out = [UInt8](repeating: 0, count: body.count + 16)
        var total = 0
        if !body.isEmpty {
            guard EVP_DecryptUpdate(ctx, &out, &len, body, Int32(body.count)) == 1 else {
                throw CryptoError("EVP_DecryptUpdate")
            }
            total = Int(len)
        }
        guard COpenSSL_gcm_set_tag(ctx, &tag, Int32(Self.tagSize)) == 1 else { throw CryptoError("GCM set tag") }
        let finalOK = out.withUnsafeMutableBufferPointer { buf in
            EVP_DecryptFinal_ex(ctx, buf.baseAddress! + total, &len)
        }
        guard finalOK == 1 else {
            ERR_clear_error()
            throw CryptoError.authenticationFailed
        }
        total += Int(len)
        return Array(out[0..<total])
    }

    /// Owns one EVP_CIPHER_CTX for the length of a seal or open.
    private final class CipherContext {
        let ctx: OpaquePointer
        init() throws {
            guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError("EVP_CIPHER_CTX_new") }
            self.ctx = ctx
        }
        deinit { EVP_CIPHER_CTX_free(ctx) }
    }
}
