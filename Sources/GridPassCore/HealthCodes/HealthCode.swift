import GridPassCrypto

/// Why a GP1 text is not a valid health code right now.
public enum HealthCodeFailure: Error, Sendable, Equatable, CaseIterable {
    /// Not `GP1:` + canonical upper-case base32 of the right length, or an unknown version or colour.
    case malformed
    /// The key id is not a `health-codes` key of this ring.
    case unknownKey
    case badSignature
    /// `now` is at or after the expiry time.
    case expired
    /// Issued more than the allowed clock skew in the future.
    case notYetValid

    /// The reason as the checkpoint API reports it (CONTRACT §6). The contract's list has no
    /// "not yet valid", so `.notYetValid` is reported as `expired`: in both cases the code is
    /// outside its validity window and the person should show a fresh one.
    public var wireReason: String {
        switch self {
        case .malformed: "malformed"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .expired, .notYetValid: "expired"
        }
    }
}

/// Signing and verifying GP1 health codes (see `HealthCodePayload` for the layout).
public enum HealthCode {
    public static let prefix = "GP1:"
    /// Bytes of the truncated HMAC-SHA256 tag (128 bits).
    public static let tagSize = 16
    static let bodySize = 32
    /// The length of every GP1 text: 4 + 77 characters.
    public static let textLength = prefix.utf8.count + (8 * (bodySize + tagSize) + 4) / 5

    public enum SignError: Error, Equatable {
        /// A time before 1970 or an expiry not after the issue time.
        case invalidLifetime
    }

    /// Signs a health code with `key`, which must be a `health-codes` key, and returns its text.
    /// - Parameters:
    ///   - issuedAt: Unix seconds, not negative.
    ///   - expiresAt: Unix seconds, after `issuedAt`.
    public static func sign(person: PersonRef, color: HealthColor, statusVersion: UInt32,
                            issuedAt: Int64, expiresAt: Int64, with key: RingKey) throws -> String {
        precondition(key.purpose == .healthCodes, "health codes are signed with health-code keys only")
        guard issuedAt >= 0, expiresAt > issuedAt else { throw SignError.invalidLifetime }
        let payload = HealthCodePayload(person: person, color: color, statusVersion: statusVersion,
                                        issuedAt: issuedAt, expiresAt: expiresAt, keyID: key.id)
        let body = payload.body
        let tag = try key.mac.mac(body).prefix(tagSize)
        return prefix + Base32.encode(body + tag)
    }

    /// Decodes and authenticates a code, then checks its validity window at `now`.
    ///
    /// Only the exact text that `sign` produces is accepted: upper-case prefix and base32, no
    /// spaces, canonical trailing bits. The checks run in the order malformed → unknown key →
    /// signature → expired → not yet valid, so nothing about an unsigned text's times is revealed.
    /// - Parameters:
    ///   - now: Unix seconds.
    ///   - allowedSkew: how far in the future `issuedAt` may lie (clocks of servers differ).
    public static func verify(_ text: some StringProtocol, keys: KeySet, now: Int64,
                              allowedSkew: Int64 = 300) -> Result<HealthCodePayload, HealthCodeFailure> {
        var string = String(text)
        return string.withUTF8 { verify(utf8: $0, keys: keys, now: now, allowedSkew: allowedSkew) }
    }

    static let prefixBytes = Array(prefix.utf8)

    /// The checks of `verify` on the text's UTF-8 bytes: no copies of the text, the tag checked
    /// in place.
    static func verify(utf8: UnsafeBufferPointer<UInt8>, keys: KeySet, now: Int64,
                       allowedSkew: Int64) -> Result<HealthCodePayload, HealthCodeFailure> {
        guard utf8.count == textLength, utf8.starts(with: prefixBytes) else { return .failure(.malformed) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bodySize + tagSize) { bytes in
            guard Base32.decode(utf8: UnsafeBufferPointer(rebasing: utf8[prefixBytes.count...]), into: bytes) == bytes.count,
                  let payload = HealthCodePayload.parseBody(UnsafeBufferPointer(bytes))
            else { return .failure(.malformed) }
            guard let key = keys.key(id: payload.keyID, purpose: .healthCodes) else { return .failure(.unknownKey) }
            let raw = UnsafeRawBufferPointer(bytes)
            guard key.mac.verify(tag: UnsafeRawBufferPointer(rebasing: raw[bodySize...]),
                                 message: UnsafeRawBufferPointer(rebasing: raw[..<bodySize]))
            else { return .failure(.badSignature) }
            return checkTime(payload, now: now, allowedSkew: allowedSkew)
        }
    }

    static func checkTime(_ payload: HealthCodePayload, now: Int64, allowedSkew: Int64) -> Result<HealthCodePayload, HealthCodeFailure> {
        if now >= payload.expiresAt { return .failure(.expired) }
        let (latestIssue, overflow) = now.addingReportingOverflow(allowedSkew)
        if !overflow, payload.issuedAt > latestIssue { return .failure(.notYetValid) }
        return .success(payload)
    }
}
