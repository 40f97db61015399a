import GridPassCore
import Testing

@Suite("Time-ordered identifiers: 4 bytes of milliseconds, then random bytes")
struct TimeOrderedBytesTests {
    static func bigEndian32(_ value: Int64) -> [UInt8] {
        let t = UInt32(truncatingIfNeeded: value)
        return [UInt8(t >> 24), UInt8((t >> 16) & 0xFF), UInt8((t >> 8) & 0xFF), UInt8(t & 0xFF)]
    }

    @Test("the first 4 bytes are the low 32 bits of the time, big-endian; then exactly the random bytes asked for",
          arguments: [0, 1, 255, 256, 65_536, 1_764_201_600_000, Int64(UInt32.max), Int64(UInt32.max) + 1, -1] as [Int64])
    func layout(milliseconds: Int64) throws {
        for random in [0, 4, 16] {
            let bytes = try TimeOrderedBytes.make(milliseconds: milliseconds, random: random)
            #expect(bytes.count == 4 + random)
            #expect(Array(bytes.prefix(4)) == Self.bigEndian32(milliseconds))
        }
    }

    @Test("made at increasing times (carries into every byte), they sort in that order; the same millisecond gives distinct ones")
    func order() throws {
        let base: Int64 = 1_764_201_600_000
        var previous: [UInt8]?
        for step: Int64 in [0, 1, 2, 255, 256, 257, 65_535, 65_536, 16_777_215, 16_777_216, 1_000_000_000] {
            let batch = try (0..<5).map { _ in try TimeOrderedBytes.make(milliseconds: base + step, random: 4) }
            if let previous { #expect(batch.allSatisfy { previous.lexicographicallyPrecedes($0) }, "step \(step)") }
            previous = batch.max { $0.lexicographicallyPrecedes($1) }
        }
        let same = try (0..<1000).map { _ in try TimeOrderedBytes.make(milliseconds: base, random: 4) }
        #expect(Set(same).count >= 999, "32 random bits: a repeat among 1000 has probability 1e-4")
        for position in 4..<8 { #expect(Set(same.map { $0[position] }).count > 100, "byte \(position) is random") }
    }

    @Test("a person reference made that way has 8 bytes and round-trips through its hex form")
    func personRef() throws {
        let ref = try PersonRef.timeOrdered(milliseconds: 1_764_201_600_123)
        #expect(ref.bytes.count == PersonRef.size)
        #expect(Array(ref.bytes.prefix(4)) == Self.bigEndian32(1_764_201_600_123))
        #expect(PersonRef(hex: ref.hex) == ref)
    }
}
