import GridPassCore
import GridPassCrypto

/// Encrypts identity numbers and phones at rest (AES-256-GCM with the newest data key; the key
/// id is stored in front of the box so that rotated keys still decrypt) and computes the blind
/// index used to find a person by identity number without storing it in clear.
struct PersonalDataCipher: Sendable {
    let keyRing: KeyRing

    /// `keyID(2 bytes) ‖ nonce ‖ ciphertext ‖ tag`, bound to `context` (e.g. the person ref and field).
    func seal(_ text: String, context: [UInt8]) throws -> [UInt8] {
        guard let key = keyRing.keys().current(.dataEncryption) else { throw KeyRingError("no data-encryption key") }
        let box = try AES256GCM(key: key.secret).seal(Array(text.utf8), associatedData: context)
        return [UInt8(key.id >> 8), UInt8(key.id & 0xFF)] + box
    }

    func open(_ sealed: [UInt8], context: [UInt8]) throws -> String {
        guard sealed.count > 2 else { throw CryptoError.malformedBox }
        let id = UInt16(sealed[0]) << 8 | UInt16(sealed[1])
        guard let key = keyRing.key(id: id, purpose: .dataEncryption) else { throw KeyRingError("data key \(id) is missing") }
        return String(decoding: try AES256GCM(key: key.secret).open(Array(sealed[2...]), associatedData: context), as: UTF8.self)
    }

    /// HMAC of the normalised identity number under the first data key (stable for the life of
    /// the data directory, so rotation never breaks look-ups).
    func index(idNumber: String) throws -> [UInt8] {
        guard let key = keyRing.keys().first(.dataEncryption) else { throw KeyRingError("no data-encryption key") }
        return try key.mac.mac(Array("gridpass/id-number/v1\0\(idNumber)".utf8))
    }
}
