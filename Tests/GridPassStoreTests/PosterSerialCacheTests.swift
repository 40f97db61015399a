import Foundation
@testable import GridPassStore
import GridPassTestSupport
import Synchronization
import Testing

@Suite("Poster serials kept until a rotation is counted")
struct PosterSerialCacheTests {
    func counter(_ dir: URL) throws -> ChangeCounter {
        try ChangeCounter(path: dir.appendingPathComponent("changes").path, slot: .posters)
    }

    @Test("read once while nothing is rotated; read again after a rotation counted by another opening; no place is never kept")
    func stamps() throws {
        let dir = try makeTemporaryDirectory()
        let cache = PosterSerialCache(changes: try counter(dir))
        let reads = Mutex(0)
        func read(_ value: Int?) -> () -> Int? { { reads.withLock { $0 += 1 }; return value } }
        #expect(cache.value(for: 1, read: read(1)) == 1)
        #expect(cache.value(for: 1, read: read(99)) == 1)
        #expect(reads.withLock { $0 } == 1)
        try PosterSerialCache(changes: try counter(dir)).changed()  // a CLI command's rotation
        #expect(cache.value(for: 1, read: read(2)) == 2)
        #expect(reads.withLock { $0 } == 2)
        #expect(cache.value(for: 7, read: read(nil)) == nil)
        #expect(cache.value(for: 7, read: read(nil)) == nil)
        #expect(reads.withLock { $0 } == 4)
    }

    @Test("an entry expires after its time to live even when nothing was counted")
    func expiry() async throws {
        let cache = PosterSerialCache(changes: try counter(try makeTemporaryDirectory()), ttl: .milliseconds(50))
        #expect(cache.value(for: 1) { 1 } == 1)
        #expect(cache.value(for: 1) { 5 } == 1)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.value(for: 1) { 5 } == 5)
    }
}
