import GridPassCrypto

/// Identifiers that sort by the time they were made: the low 32 bits of the time in
/// milliseconds, big-endian (they wrap every 49.7 days), then random bytes from the system's
/// secure generator. Made one after the other, they land next to each other at the end of a
/// B-tree index, so a burst of inserts rewrites one index page instead of a random page each.
/// The random part is what makes them unguessable and (almost always) distinct; the time part
/// adds no secret.
public enum TimeOrderedBytes {
    public static let timeBytes = 4

    /// `timeBytes` bytes of `milliseconds`, then `random` random bytes.
    public static func make(milliseconds: Int64, random: Int) throws -> [UInt8] {
        var bytes = ByteWriter()
        bytes.u32(UInt32(truncatingIfNeeded: milliseconds))
        bytes.raw(try SecureRandom.bytes(random))
        return bytes.bytes
    }
}
