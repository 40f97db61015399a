import Foundation
import GridPassCore
import GridPassCrypto
import GridPassStore
import GridPassTestSupport
import Testing

@Suite("SQLite staff store: sessions, throttles, audit, lists")
struct StaffStoreTests {
    func open(_ dir: URL? = nil) throws -> (URL, DataDirectory, SQLiteStaffRepository, SQLiteUserRepository, SQLitePlaceRepository) {
        let url = try dir ?? makeTemporaryDirectory()
        let data = try DataDirectory(path: url.path)
        let db = try data.openDatabase()
        return (url, data, SQLiteStaffRepository(db), SQLiteUserRepository(db), try SQLitePlaceRepository(db))
    }

    @Test("sessions are found by the hash of their id, touched and deleted")
    func sessions() async throws {
        let (_, _, staff, users, _) = try open()
        let user = try await users.addUser(name: "grid1", role: .admin, scopePlaceID: nil, passwordHash: "x", tokenHash: [1, 2, 3])
        let hash = try SHA256Digest.hash(Array("session-id".utf8))
        try await staff.createSession(idHash: hash, userID: user.id, csrf: "TOKEN", now: 100, expiresAt: 200)
        let session = try #require(try await staff.session(idHash: hash))
        #expect(session == StaffSession(user: user, csrf: "TOKEN", createdAt: 100, lastSeen: 100, expiresAt: 200))
        try await staff.touchSession(idHash: hash, now: 150, expiresAt: 250)
        #expect(try await staff.session(idHash: hash)?.expiresAt == 250)
        try await staff.purgeStaleSessions(now: 249, throttlesOlderThan: 0)
        #expect(try await staff.session(idHash: hash) != nil)
        try await staff.purgeStaleSessions(now: 250, throttlesOlderThan: 0)
        #expect(try await staff.session(idHash: hash) == nil)
        try await staff.createSession(idHash: hash, userID: user.id, csrf: "T2", now: 300, expiresAt: 400)
        try await staff.deleteSession(idHash: hash)
        #expect(try await staff.session(idHash: hash) == nil)
    }

    @Test("an account's throttle survives reopening the database; a fresh state is deleted")
    func throttle() async throws {
        let (dir, _, staff, _, _) = try open()
        let policy = LoginThrottle.Policy.account
        for t in 0..<5 as Range<Int64> { _ = try await staff.updateLoginThrottle(account: "grid1") { $0.failed(now: 1000 + t, policy: policy) } }
        let (_, _, reopened, _, _) = try open(dir)
        let state = try await reopened.loginThrottle(account: "grid1")
        #expect(state.lockedUntil == 1004 + policy.lockSeconds)
        #expect(try await reopened.loginThrottle(account: "other") == .fresh)
        _ = try await reopened.updateLoginThrottle(account: "grid1") { _ in .fresh }
        #expect(try await reopened.loginThrottle(account: "grid1") == .fresh)
        _ = try await reopened.updateLoginThrottle(account: "old") { $0.failed(now: 10, policy: policy) }
        try await reopened.purgeStaleSessions(now: 100_000, throttlesOlderThan: 50_000)
        #expect(try await reopened.loginThrottle(account: "old") == .fresh)
    }

    @Test("the audit log pages newest first")
    func audit() async throws {
        let (_, _, staff, _, _) = try open()
        for i in 1...5 {
            try await staff.addAudit(AuditEntry(at: Int64(i), userID: nil, userName: "u\(i)", action: .reveal, target: "person:\(i)",
                                                detail: "id_number", address: "127.0.0.1"))
        }
        let first = try await staff.audit(before: nil, limit: 2)
        #expect(first.map(\.userName) == ["u5", "u4"])
        #expect(try await staff.audit(before: first.last!.id, limit: 10).map(\.userName) == ["u3", "u2", "u1"])
        #expect(first[0].address == "127.0.0.1" && first[0].action == .reveal && first[0].detail == "id_number")
    }

    @Test("places under a root in tree order; people under a root with their last report day")
    func lists() async throws {
        let (_, data, staff, _, places) = try open()
        _ = try await places.importPlaces(csv: PlaceStoreTests.street)
        let grid = try #require(try await places.place(code: "G"))
        #expect(try await staff.places(under: grid).map(\.code) == ["G", "B", "U1", "U2", "B2", "E", "CP"])
        #expect(try await staff.places(under: try #require(try await places.place(code: "D"))).count == 11)
        #expect(try await staff.people(under: grid.id).isEmpty)

        let people = try SQLiteStore(try data.openDatabase(), keyRing: try data.openKeyRing()).people
        let u1 = try #require(try await places.place(code: "U1"))
        let declaration = HealthDeclaration(temperature: 36.5, symptoms: [], visited: [], contact: Contact.none)
        let body = "110105" + "19850615" + "001"
        let id = body + String(IdentityNumber.checkCharacter(of: body)!)
        let person = try await people.register(RegistrationData(placeID: u1.id, kind: .resident, name: "张三华", idNumber: id,
            phone: "13800138000", room: "101", department: nil, declaration: declaration), now: 86_400 * 100, decide: { _, _ in nil }).person
        let listed = try await staff.people(under: grid.id)
        #expect(listed.map(\.id) == [person.id])
        #expect(listed.first?.lastReport == Day(unixSeconds: 86_400 * 100) && listed.first?.room == "101")
        #expect(try await staff.people(under: nil).count == 1)
        #expect(try await staff.people(under: try #require(try await places.place(code: "B2")).id).isEmpty)
        #expect(try await staff.flaggedPeople(under: grid.id).isEmpty)
    }
}
