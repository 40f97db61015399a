import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A 32-byte secret key kept in a file of its own (base64, one line): PostgreSQL's master key
/// (`--master-key-file`) and the key that seals backups (`--key-file`). Created with a fresh key
/// and mode 0600 when the file does not exist.
public enum KeyFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(_ path: String) throws -> [UInt8] {
        if !FileManager.default.fileExists(atPath: path) {
            let key = try SecureRandom.bytes(AES256GCM.keySize)
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                let text = Array((Data(key).base64EncodedString() + "\n").utf8)
                let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fsync(fd)
                close(fd)
                guard written == text.count else { throw Failure(description: "cannot write the key file \(path)") }
            } else if errno != EEXIST {  // EEXIST: another process made it a moment ago
                throw Failure(description: "cannot create the key file \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read the key file \(path)")
        }
        guard let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == AES256GCM.keySize else {
            throw Failure(description: "the key file \(path) does not hold 32 bytes of base64")
        }
        return Array(key)
    }
}
