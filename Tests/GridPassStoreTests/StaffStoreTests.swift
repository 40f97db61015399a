import Foundation
import GridPassCore
import GridPassCrypto
import GridPassStore
import GridPassTestSupport
import Testing

@Suite("Staff store: users, sessions, throttles, audit, lists, figures (SQLite and PostgreSQL)")
struct StaffStoreTests {
    func open(_ dir: URL? = nil) throws -> (URL, DataDirectory, SQLiteStaffRepository, SQLiteUserRepository, SQLitePlaceRepository) {
        let url = try dir ?? makeTemporaryDirectory()
        let data = try DataDirectory(path: url.path)
        let db = try data.openDatabase()
        return (url, data, SQLiteStaffRepository(db), SQLiteUserRepository(db), try SQLitePlaceRepository(db))
    }

    @Test("users are found by name and by the hash of their token; a name is taken once", arguments: Backend.all)
    func users(_ backend: Backend) async throws {
        try await backend.withStaff { s in
            _ = try await s.places.importPlaces(csv: PlaceStoreTests.street)
            let grid = try #require(try await s.places.place(code: "G"))
            let admin = try await s.users.addUser(name: "admin", role: .admin, scopePlaceID: nil, passwordHash: "$2b$x", tokenHash: [1, 2, 3])
            let guard_ = try await s.users.addUser(name: "gate1", role: .guard_, scopePlaceID: grid.id, passwordHash: nil, tokenHash: [4, 5])
            #expect(admin.id != guard_.id)
            #expect(admin == UserRecord(id: admin.id, name: "admin", role: .admin, scopePlaceID: nil, passwordHash: "$2b$x"))
            #expect(try await s.users.user(name: "admin") == admin)
            #expect(try await s.users.user(tokenHash: [4, 5]) == guard_)
            #expect(try await s.users.user(tokenHash: [4, 5])?.scopePlaceID == grid.id)
            #expect(try await s.users.user(name: "nobody") == nil)
            #expect(try await s.users.user(tokenHash: [9]) == nil)
            await #expect(throws: UserRecord.nameTaken("admin")) {
                try await s.users.addUser(name: "admin", role: .staff, scopePlaceID: nil, passwordHash: nil, tokenHash: [7])
            }
            #expect(try await s.users.user(name: "admin")?.role == .admin)
        }
    }

    @Test("sessions are found by the hash of their id, touched and deleted", arguments: Backend.all)
    func sessions(_ backend: Backend) async throws {
        try await backend.withStaff { s in
            let staff = s.staff
            let user = try await s.users.addUser(name: "grid1", role: .admin, scopePlaceID: nil, passwordHash: "x", tokenHash: [1, 2, 3])
            let hash = try SHA256Digest.hash(Array("session-id".utf8))
            try await staff.createSession(idHash: hash, userID: user.id, csrf: "TOKEN", now: 100, expiresAt: 200)
            let session = try #require(try await staff.session(idHash: hash))
            #expect(session == StaffSession(user: user, csrf: "TOKEN", createdAt: 100, lastSeen: 100, expiresAt: 200))
            #expect(try await staff.session(idHash: try SHA256Digest.hash(Array("other".utf8))) == nil)
            try await staff.touchSession(idHash: hash, now: 150, expiresAt: 250)
            #expect(try await staff.session(idHash: hash)?.expiresAt == 250)
            #expect(try await staff.session(idHash: hash)?.lastSeen == 150)
            try await staff.purgeStaleSessions(now: 249, throttlesOlderThan: 0)
            #expect(try await staff.session(idHash: hash) != nil)
            try await staff.purgeStaleSessions(now: 250, throttlesOlderThan: 0)
            #expect(try await staff.session(idHash: hash) == nil)
            try await staff.createSession(idHash: hash, userID: user.id, csrf: "T2", now: 300, expiresAt: 400)
            try await staff.deleteSession(idHash: hash)
            #expect(try await staff.session(idHash: hash) == nil)
        }
    }

    @Test("an account's throttle: updated in place, a fresh state is deleted, old ones are purged", arguments: Backend.all)
    func throttle(_ backend: Backend) async throws {
        try await backend.withStaff { s in
            let staff = s.staff
            let policy = LoginThrottle.Policy.account
            for t in 0..<5 as Range<Int64> {
                let state = try await staff.updateLoginThrottle(account: "grid1") { $0.failed(now: 1000 + t, policy: policy) }
                #expect(state == (try await staff.loginThrottle(account: "grid1")))
            }
            let state = try await staff.loginThrottle(account: "grid1")
            #expect(state.failures == 5 && state.windowStart == 1000)
            #expect(state.lockedUntil == 1004 + policy.lockSeconds)
            #expect(try await staff.loginThrottle(account: "other") == .fresh)
            #expect(try await staff.updateLoginThrottle(account: "grid1") { _ in .fresh } == .fresh)
            #expect(try await staff.loginThrottle(account: "grid1") == .fresh)
            #expect(try await staff.updateLoginThrottle(account: "never") { $0 } == .fresh)
            _ = try await staff.updateLoginThrottle(account: "old") { $0.failed(now: 10, policy: policy) }
            _ = try await staff.updateLoginThrottle(account: "recent") { $0.failed(now: 60_000, policy: policy) }
            try await staff.purgeStaleSessions(now: 100_000, throttlesOlderThan: 50_000)
            #expect(try await staff.loginThrottle(account: "old") == .fresh)
            #expect(try await staff.loginThrottle(account: "recent").failures == 1)
        }
    }

    @Test("failed sign-ins reaching two nodes at once are each counted", arguments: Backend.all)
    func throttleAcrossNodes(_ backend: Backend) async throws {
        try await backend.withStaffNodes { one, two in
            let policy = LoginThrottle.Policy(maxFailures: 1_000, window: 900, lockSeconds: 900)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    let node = i.isMultiple(of: 2) ? one : two
                    group.addTask {
                        _ = try await node.updateLoginThrottle(account: "grid1") { $0.failed(now: 1000 + Int64(i), policy: policy) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await one.loginThrottle(account: "grid1").failures == 40)
            #expect(try await two.loginThrottle(account: "grid1").failures == 40)
            // A reset on one node while the other counts: the count is one of the two orders.
            async let reset = one.updateLoginThrottle(account: "grid1") { _ in .fresh }
            async let failed = two.updateLoginThrottle(account: "grid1") { $0.failed(now: 2000, policy: policy) }
            _ = try await (reset, failed)
            #expect([0, 1].contains(try await one.loginThrottle(account: "grid1").failures))
        }
    }

    @Test("an account's throttle survives reopening the database")
    func throttleReopened() async throws {
        let (dir, _, staff, _, _) = try open()
        let policy = LoginThrottle.Policy.account
        for t in 0..<5 as Range<Int64> { _ = try await staff.updateLoginThrottle(account: "grid1") { $0.failed(now: 1000 + t, policy: policy) } }
        let (_, _, reopened, _, _) = try open(dir)
        let state = try await reopened.loginThrottle(account: "grid1")
        #expect(state.lockedUntil == 1004 + policy.lockSeconds)
        #expect(try await reopened.loginThrottle(account: "other") == .fresh)
    }

    @Test("the audit log pages newest first", arguments: Backend.all)
    func audit(_ backend: Backend) async throws {
        try await backend.withStaff { s in
            let staff = s.staff
            for i in 1...5 {
                try await staff.addAudit(AuditEntry(at: Int64(i), userID: i == 1 ? 7 : nil, userName: "u\(i)", action: .reveal,
                                                    target: "person:\(i)", detail: "id_number", address: i == 1 ? nil : "127.0.0.1"))
            }
            #expect(try await staff.audit(before: nil, limit: 10).count == 5)
            let first = try await staff.audit(before: nil, limit: 2)
            #expect(first.map(\.userName) == ["u5", "u4"])
            let rest = try await staff.audit(before: first.last!.id, limit: 10)
            #expect(rest.map(\.userName) == ["u3", "u2", "u1"])
            #expect(first[0].address == "127.0.0.1" && first[0].action == .reveal && first[0].detail == "id_number")
            #expect(first[0].target == "person:5" && first[0].at == 5 && first[0].userID == nil)
            #expect(rest.last?.userID == 7 && rest.last?.address == nil)
            #expect(try await staff.audit(before: rest.last!.id, limit: 10).isEmpty)
        }
    }

    @Test("places under a root in tree order; people under a root with their last report day; flagged people; counts",
          arguments: Backend.all)
    func lists(_ backend: Backend) async throws {
        try await backend.withStaff { s in
            let (staff, places) = (s.staff, s.places)
            _ = try await places.importPlaces(csv: PlaceStoreTests.street)
            let grid = try #require(try await places.place(code: "G"))
            #expect(try await staff.places(under: grid).map(\.code) == ["G", "B", "U1", "U2", "B2", "E", "CP"])
            #expect(try await staff.places(under: try #require(try await places.place(code: "D"))).count == 11)
            #expect(try await staff.places(under: try #require(try await places.place(code: "U1"))).map(\.code) == ["U1"])
            #expect(try await staff.people(under: grid.id).isEmpty)
            #expect(try await s.stats.peopleCounts().isEmpty)

            let u1 = try #require(try await places.place(code: "U1"))
            let day = Int64(86_400 * 100)
            let person = try await s.addResident(u1.id, "张三华", "101", day)
            let listed = try await staff.people(under: grid.id)
            #expect(listed.map(\.id) == [person])
            #expect(listed.first?.lastReport == Day(unixSeconds: day) && listed.first?.room == "101")
            #expect(listed.first?.kind == .resident && listed.first?.placeID == u1.id && listed.first?.name == "张三华")
            #expect(try await staff.people(under: nil).count == 1)
            #expect(try await staff.people(under: try #require(try await places.place(code: "B2")).id).isEmpty)
            #expect(try await staff.flaggedPeople(under: grid.id).isEmpty)

            // Sorted by place, then room (none first), then name; in bytes, as SQLite compares text.
            let b2 = try #require(try await places.place(code: "B2"))
            let a = try await s.addResident(u1.id, "李四", "101", day + 86_400)
            let b = try await s.addResident(u1.id, "王五", nil, day)
            let c = try await s.addResident(b2.id, "赵六", "1", day)
            #expect(try await staff.people(under: grid.id).map(\.id) == [b, person, a, c])
            #expect(try await staff.people(under: grid.id).first { $0.id == a }?.lastReport == Day(unixSeconds: day + 86_400))
            #expect(try await staff.people(under: b2.id).map(\.id) == [c])
            #expect(try await s.stats.peopleCounts() == [PeopleCount(kind: .resident, status: .active, color: nil, count: 4)])

            // The latest flag counts; a cleared one closes those before it. Newest first.
            try await s.addFlag(person, .suspected, day + 10)
            try await s.addFlag(a, .closeContact, day + 20)
            try await s.addFlag(a, .cleared, day + 30)
            try await s.addFlag(c, .confirmed, day + 40)
            let flagged = try await staff.flaggedPeople(under: grid.id)
            #expect(flagged.map(\.person.id) == [c, person])
            #expect(flagged.map(\.flag) == [.confirmed, .suspected] && flagged.map(\.at) == [day + 40, day + 10])
            #expect(flagged.last?.person == listed.first)
            #expect(try await staff.flaggedPeople(under: u1.id).map(\.person.id) == [person])
            #expect(try await staff.flaggedPeople(under: nil).count == 2)
        }
    }
}
