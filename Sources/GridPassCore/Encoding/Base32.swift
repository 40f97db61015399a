/// RFC 4648 base32, upper case, without padding, decoded canonically: only `A–Z2–7`, only
/// lengths that an encoder can produce, and unused trailing bits must be zero — so every byte
/// string has exactly one text form and any single changed character makes the text invalid or different.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Returns nil for any text that `encode` would not produce.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var string = String(text)
        return string.withUTF8 { decode(utf8: $0) }
    }

    /// The same, on UTF-8 bytes.
    public static func decode(utf8 chars: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var valid = false
        let out = [UInt8](unsafeUninitializedCapacity: chars.count * 5 / 8) { buf, count in
            let decoded = decode(utf8: chars, into: buf)
            valid = decoded != nil
            count = decoded ?? 0
        }
        return valid ? out : nil
    }

    /// Decodes into `out`, which must hold `chars.count * 5 / 8` bytes; returns that count, or
    /// nil for text that `encode` would not produce. The hot path of verifying codes: no
    /// allocation, no generics.
    public static func decode(utf8 chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        // Remainders of 1, 3 and 6 characters are never produced by an encoder.
        switch chars.count % 8 { case 1, 3, 6: return nil; default: break }
        guard out.count >= chars.count * 5 / 8 else { return nil }
        return values.withUnsafeBufferPointer { table -> Int? in
            var buffer: UInt32 = 0
            var bits = 0
            var n = 0
            for c in chars {
                let v = table[Int(c)]
                guard v >= 0 else { return nil }
                buffer = (buffer << 5) | UInt32(v)
                bits += 5
                if bits >= 8 {
                    bits -= 8
                    out[n] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                    n += 1
                }
            }
            // Leftover bits must be zero padding.
            return buffer & ((1 << UInt32(bits)) - 1) == 0 ? n : nil
        }
    }
}
