import COpenSSL

/// A failure inside OpenSSL, carrying the operation that failed and OpenSSL's own error code.
public struct CryptoError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let code: UInt

    init(_ operation: String) {
        self.operation = operation
        self.code = UInt(ERR_get_error())
        ERR_clear_error()
    }

    init(_ operation: String, code: UInt) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "OpenSSL: \(operation) failed" }
        return "OpenSSL: \(operation) failed: \(String(cString: reason))"
    }

    /// Authentication of sealed data failed (tampered, wrong key or wrong associated data).
    public static let authenticationFailed = CryptoError("AES-256-GCM open (authentication)", code: 0)
    public static let invalidKeySize = CryptoError("key size", code: 0)
    public static let malformedBox = CryptoError("sealed box too short", code: 0)
}
