import Foundation
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Testing

@Suite("Change counter and standing cache")
struct StandingCacheTests {
    static let standing: StoredStanding = (.resident, .active, 3, 6, "张三华")

    @Test("the counter file is private (0600), starts at 0, and two openings (two processes) see each other's counts")
    func counterShared() throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("gridpass.sqlite-changes").path
        let a = try ChangeCounter(path: path)
        let b = try ChangeCounter(path: path)
        #expect(a.current == 0 && b.current == 0)
        a.bump()
        #expect(b.current == 1)
        for _ in 0..<5 { b.bump() }
        #expect(a.current == 6)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect(try ChangeCounter(path: path).current == 6, "reopening keeps the count")
    }

    @Test("an entry is used only under the count it was read at: any commit (a bump) makes every entry a miss")
    func invalidation() throws {
        let counter = try ChangeCounter(path: try makeTemporaryDirectory().appendingPathComponent("c").path)
        let cache = StandingCache(changes: counter)
        let ref = try PersonRef.random(), other = try PersonRef.random()
        let s0 = cache.stamp()
        #expect(cache.value(for: ref, stamp: s0) == nil)
        cache.store(Self.standing, for: ref, stamp: s0)
        #expect(cache.value(for: ref, stamp: cache.stamp())?.name == "张三华")
        #expect(cache.value(for: other, stamp: cache.stamp()) == nil)
        counter.bump()
        let s1 = cache.stamp()
        #expect(s1 == s0 + 1)
        #expect(cache.value(for: ref, stamp: s1) == nil, "read before the commit: out of date")
        // A read that began before the commit stores nothing once a later reader has seen the new count.
        cache.store(Self.standing, for: ref, stamp: s0)
        #expect(cache.value(for: ref, stamp: s1) == nil)
        cache.store((.resident, .active, 4, 6, "张三华"), for: ref, stamp: s1)
        #expect(cache.value(for: ref, stamp: s1)?.statusVersion == 4)
        // A reader still holding the old count finds nothing either.
        #expect(cache.value(for: ref, stamp: s0) == nil)
    }

    @Test("entries expire after the ttl even when nothing was counted")
    func expiry() async throws {
        let counter = try ChangeCounter(path: try makeTemporaryDirectory().appendingPathComponent("c").path)
        let cache = StandingCache(changes: counter, ttl: .milliseconds(50))
        let ref = try PersonRef.random()
        cache.store(Self.standing, for: ref, stamp: cache.stamp())
        _ = cache.value(for: ref, stamp: cache.stamp())  // sets the cache's count
        cache.store(Self.standing, for: ref, stamp: cache.stamp())
        #expect(cache.value(for: ref, stamp: cache.stamp()) != nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.value(for: ref, stamp: cache.stamp()) == nil)
    }

    @Test("a store's scans see a change committed by another opening of the data directory (a CLI command) at the next read")
    func acrossOpenings() async throws {
        let dir = try makeTemporaryDirectory()
        let suite = StandingStoreTests()
        let (_, store) = try suite.open(dir)
        let people = try await suite.seed(store)
        let (ref, before) = people[0]
        for _ in 0..<3 { #expect(Standing(try await store.health.standing(ref)) == before) }  // cached now
        let (_, other) = try suite.open(dir)
        try await StandingStoreTests.setVersion(before.statusVersion + 5, of: ref, other)
        #expect(try await store.health.standing(ref)?.statusVersion == before.statusVersion + 5)
        _ = try await other.people.register(ScanLogStoreTests.registration(placeID: before.placeID, name: "张三丰", seq: 1),
                                            now: ScanLogStoreTests.day0 + 300, decide: { _, _ in nil })
        #expect(try await store.health.standing(ref)?.name == "张三丰")
    }
}
