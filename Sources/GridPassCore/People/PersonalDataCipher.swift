import GridPassCrypto

/// Encrypts identity numbers and phones at rest (AES-256-GCM with the newest data key; the key
/// id is stored in front of the box so that rotated keys still decrypt) and computes the blind
/// index used to find a person by identity number without storing it in clear.
/// Pure: the same on every storage backend (only where the keys come from differs).
public struct PersonalDataCipher: Sendable {
    let keyRing: any KeySource

    public init(keyRing: any KeySource) {
        self.keyRing = keyRing
    }

    /// `keyID(2 bytes) ‖ nonce ‖ ciphertext ‖ tag`, bound to `context` (e.g. the person ref and field).
    public func seal(_ text: String, context: [UInt8]) throws -> [UInt8] {
        guard let key = keyRing.keys(refresh: false).current(.dataEncryption) else { throw KeyRingError("no data-encryption key") }
        var sealed = ByteWriter()
        sealed.u16(key.id)
        sealed.raw(try AES256GCM(key: key.secret).seal(Array(text.utf8), associatedData: context))
        return sealed.bytes
    }

    public func open(_ sealed: [UInt8], context: [UInt8]) throws -> String {
        var reader = ByteReader(sealed)
        guard let id = reader.u16(), reader.remaining > 0, let box = reader.raw(reader.remaining) else { throw CryptoError.malformedBox }
        guard let key = keyRing.key(id: id, purpose: .dataEncryption) else { throw KeyRingError("data key \(id) is missing") }
        return String(decoding: try AES256GCM(key: key.secret).open(box, associatedData: context), as: UTF8.self)
    }

    /// A person's identity number and phone as stored: the blind index, and each sealed bound to
    /// its field and that index (a box moved to another field or person does not open).
    public func sealContact(idNumber: String, phone: String) throws -> (index: [UInt8], idNumber: [UInt8], phone: [UInt8]) {
        let index = try index(idNumber: idNumber)
        return (index, try seal(idNumber, context: Self.context(.idNumber, index)), try seal(phone, context: Self.context(.phone, index)))
    }

    public func openIDNumber(_ box: [UInt8], index: [UInt8]) throws -> String {
        try open(box, context: Self.context(.idNumber, index))
    }

    public func openPhone(_ box: [UInt8], index: [UInt8]) throws -> String {
        try open(box, context: Self.context(.phone, index))
    }

    enum Field: String { case idNumber = "id_number", phone }

    static func context(_ field: Field, _ index: [UInt8]) -> [UInt8] { Array(field.rawValue.utf8) + index }

    /// HMAC of the normalised identity number under the first data key (stable for the life of
    /// the data directory, so rotation never breaks look-ups).
    public func index(idNumber: String) throws -> [UInt8] { try blindIndex("gridpass/id-number/v1", idNumber) }

    /// The same for a visitor's phone (a guard at the gate looks visitors up by it, CONTRACT §10).
    public func index(visitorPhone phone: String) throws -> [UInt8] { try blindIndex("gridpass/visitor-phone/v1", phone) }

    /// A visitor's phone as stored: its blind index, and the phone sealed to it.
    public func sealVisitorPhone(_ phone: String) throws -> (index: [UInt8], phone: [UInt8]) {
        let index = try index(visitorPhone: phone)
        return (index, try seal(phone, context: Array("visitor-phone".utf8) + index))
    }

    private func blindIndex(_ label: String, _ value: String) throws -> [UInt8] {
        guard let key = keyRing.keys(refresh: false).first(.dataEncryption) else { throw KeyRingError("no data-encryption key") }
        return try key.mac.mac(Array("\(label)\0\(value)".utf8))
    }
}
