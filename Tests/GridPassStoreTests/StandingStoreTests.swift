import Foundation
import GRDB
import GridPassCore
@testable import GridPassStore
import GridPassTestSupport
import Synchronization
import Testing

/// What `standing(_:)` answers, comparable.
struct Standing: Equatable, Sendable, CustomStringConvertible {
    var kind: PersonKind
    var status: PersonRecord.Status
    var statusVersion: UInt32
    var placeID: Int64
    var name: String

    init(kind: PersonKind, status: PersonRecord.Status, statusVersion: UInt32, placeID: Int64, name: String) {
        (self.kind, self.status, self.statusVersion, self.placeID, self.name) = (kind, status, statusVersion, placeID, name)
    }

    init?(_ t: StoredStanding?) {
        guard let t else { return nil }
        self.init(kind: t.kind, status: t.status, statusVersion: t.statusVersion, placeID: t.placeID, name: t.name)
    }

    var description: String { "\(kind)/\(status)/v\(statusVersion)/place \(placeID)/\(name)" }
}

@Suite("SQLite scan read: a person's standing through the hot readers")
struct StandingStoreTests {
    func open(_ dir: URL? = nil) throws -> (URL, SQLiteStore) {
        let url = try dir ?? makeTemporaryDirectory()
        let data = try DataDirectory(path: url.path)
        return (url, try SQLiteStore(try data.openDatabase(), keyRing: try data.openKeyRing()))
    }

    /// Sets the person's status version (and colour) as a recomputation would.
    static func setVersion(_ version: UInt32, of ref: PersonRef, _ store: SQLiteStore) async throws {
        _ = try await store.health.apply(ref) { _, _ in HealthUpdate(statusVersion: version, color: .green, reasons: [], code: nil) }
    }

    static let names = ["张三华", "𠮷田 Zoë Ñúñez 😷", "阿依古丽·买买提", "Ahmed بن علي", "Ólafur Þórðarson", "김민준", "李"]

    /// People of every kind at several places, each with its own status version; their standings as expected.
    func seed(_ store: SQLiteStore) async throws -> [(PersonRef, Standing)] {
        _ = try await store.places.importPlaces(csv: PlaceStoreTests.street)
        let u1 = try #require(try await store.places.place(code: "U1")).id
        let b2 = try #require(try await store.places.place(code: "B2")).id
        let e = try #require(try await store.places.place(code: "E")).id
        var people: [(PersonRef, Standing)] = []
        for (n, name) in Self.names.enumerated() {
            let worker = n % 3 == 2
            let place = worker ? e : (n % 2 == 0 ? u1 : b2)
            let person = try await store.people.register(ScanLogStoreTests.registration(placeID: place, kind: worker ? .worker : .resident,
                                                                                      name: name, seq: n + 1),
                                                         now: ScanLogStoreTests.day0, decide: { _, _ in nil }).person
            let version = UInt32(n * 1000 + 3)
            try await Self.setVersion(version, of: person.ref, store)
            people.append((person.ref, Standing(kind: worker ? .worker : .resident, status: worker ? .pending : .active,
                                                statusVersion: version, placeID: place, name: name)))
        }
        return people
    }

    @Test("a registered person: kind, status, status version, place and name (CJK and other multi-byte names intact)")
    func found() async throws {
        let (_, store) = try open()
        let people = try await seed(store)
        #expect(people.count == Self.names.count)
        for (ref, expected) in people {
            let standing = Standing(try await store.health.standing(ref))
            #expect(standing == expected)
            #expect(standing?.name.utf8.elementsEqual(expected.name.utf8) == true, "byte for byte")
        }
        #expect(Standing(try await store.health.standing(people[0].0))?.name == "张三华")
        #expect(Standing(try await store.health.standing(people[1].0))?.name.unicodeScalars.count == "𠮷田 Zoë Ñúñez 😷".unicodeScalars.count)
    }

    @Test("an unknown reference has no standing")
    func unknown() async throws {
        let (_, store) = try open()
        #expect(try await store.health.standing(try PersonRef.random()) == nil, "empty table")
        let people = try await seed(store)
        #expect(try await store.health.standing(try PersonRef.random()) == nil)
        // A reference differing from a registered one in its last byte only.
        var bytes = people[0].0.bytes
        bytes[7] ^= 1
        #expect(try await store.health.standing(try #require(PersonRef(bytes: bytes))) == nil)
        // The miss leaves the reader usable.
        #expect(Standing(try await store.health.standing(people[0].0)) == people[0].1)
    }

    @Test("a change committed after a read is seen by the next read: review, recomputation, re-registration, another connection")
    func freshAfterWrite() async throws {
        let (dir, store) = try open()
        let people = try await seed(store)
        let (workerRef, worker) = try #require(people.first { $0.1.kind == .worker })
        #expect(Standing(try await store.health.standing(workerRef)) == worker)

        // An HR approval.
        _ = try await store.people.review(personID: workerRef.hex, approve: true, reason: nil, now: ScanLogStoreTests.day0 + 60)
        var expected = worker
        expected.status = .active
        #expect(Standing(try await store.health.standing(workerRef)) == expected)

        // A recomputation that bumps the status version.
        try await Self.setVersion(worker.statusVersion + 1, of: workerRef, store)
        expected.statusVersion += 1
        #expect(Standing(try await store.health.standing(workerRef)) == expected)

        // A re-registration with the same identity number and phone renames the person.
        let (residentRef, resident) = people[0]
        let place = resident.placeID
        let again = try await store.people.register(ScanLogStoreTests.registration(placeID: place, name: "张三丰", seq: 1),
                                                    now: ScanLogStoreTests.day0 + 120, decide: { _, _ in nil })
        #expect(again.created == false && again.person.ref == residentRef)
        var renamed = resident
        renamed.name = "张三丰"
        #expect(Standing(try await store.health.standing(residentRef)) == renamed)

        // A write through another opening of the same data directory (as a CLI command would make).
        let (_, other) = try open(dir)
        _ = try await other.people.review(personID: workerRef.hex, approve: false, reason: "离职", now: ScanLogStoreTests.day0 + 180)
        expected.status = .rejected
        #expect(Standing(try await store.health.standing(workerRef)) == expected)
        try await Self.setVersion(77, of: residentRef, other)
        renamed.statusVersion = 77
        #expect(Standing(try await store.health.standing(residentRef)) == renamed)
    }

    @Test("16 tasks × 200 concurrent reads each get their own person's row")
    func concurrentTasks() async throws {
        let (_, store) = try open()
        let people = try await seed(store)
        let health = store.health
        let wrong = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<16 {
                group.addTask {
                    var wrong: [String] = []
                    for i in 0..<200 {
                        let (ref, expected) = people[(task * 7 + i) % people.count]
                        let got = Standing(try await health.standing(ref))
                        if got != expected { wrong.append("task \(task) read \(i): \(got.map(String.init(describing:)) ?? "nil") ≠ \(expected)") }
                        if i % 50 == 0, try await health.standing(try PersonRef.random()) != nil { wrong.append("task \(task): a stranger found") }
                    }
                    return wrong
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("16 threads × 200 reads: more callers than hot-reader connections, each gets its own person's row")
    func concurrentThreads() async throws {
        let (_, store) = try open()
        let people = try await seed(store)
        let health = store.health
        let failures = Failures()
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            for thread in 0..<16 {
                Thread {
                    for i in 0..<200 {
                        let (ref, expected) = people[(thread * 5 + i) % people.count]
                        do {
                            let got = Standing(try health.standingNow(ref))
                            if got != expected {
                                failures.add("thread \(thread) read \(i): \(got.map(String.init(describing:)) ?? "nil") ≠ \(expected)")
                            }
                        } catch {
                            failures.add("thread \(thread) read \(i): \(error)")
                        }
                    }
                    if failures.finished() == 16 { finished.resume() }
                }.start()
            }
        }
        let wrong = failures.all
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("reads while a writer keeps changing status versions see only committed values, never another person's row")
    func readsDuringWrites() async throws {
        let (_, store) = try open()
        let people = try await seed(store)
        let health = store.health
        let (ref, base) = people[1]
        let writer = Task {
            for v in 1...100 { try await Self.setVersion(base.statusVersion + UInt32(v), of: ref, store) }
        }
        let wrong = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong: [String] = []
                    var last = base.statusVersion
                    for i in 0..<200 {
                        guard let got = Standing(try await health.standing(ref)) else { wrong.append("task \(task) read \(i): nil"); continue }
                        var same = got
                        same.statusVersion = base.statusVersion
                        if same != base || got.statusVersion < last || got.statusVersion > base.statusVersion + 100 {
                            wrong.append("task \(task) read \(i): \(got) after v\(last)")
                        }
                        last = got.statusVersion
                        let (other, expected) = people[(task + i) % people.count]
                        if other != ref, Standing(try await health.standing(other)) != expected { wrong.append("task \(task) read \(i): other person") }
                    }
                    return wrong
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try await writer.value
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(Standing(try await health.standing(ref))?.statusVersion == base.statusVersion + 100)
    }
}

/// Failures reported from threads, and how many threads have finished.
final class Failures: Sendable {
    private let state = Mutex<(list: [String], finished: Int)>(([], 0))

    func add(_ failure: String) { state.withLock { $0.list.append(failure) } }

    /// Counts one more finished thread; returns how many have.
    func finished() -> Int { state.withLock { $0.finished += 1; return $0.finished } }

    var all: [String] { state.withLock { $0.list } }
}
