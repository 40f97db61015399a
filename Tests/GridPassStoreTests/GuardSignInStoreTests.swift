import Foundation
import GridPassCore
import GridPassTestSupport
import Testing

@Suite("Guard sign-in links and sessions in the store")
struct GuardSignInStoreTests {
    static func hash(_ n: Int) -> [UInt8] { (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) } }

    @Test("20 concurrent openings of one link: exactly one signs in, the others are told it was used", arguments: Backend.all)
    func singleUse(_ backend: Backend) async throws {
        try await backend.withStaff { stores in
            _ = try await stores.places.importPlaces(csv: PlaceStoreTests.street)
            let checkpoint = try #require(try await stores.places.place(code: "GATE"))
            let now = Int64(Date().timeIntervalSince1970)
            try await stores.staff.createGuardLink(linkHash: Self.hash(0), checkpointPlaceID: checkpoint.id, createdBy: nil, now: now, expiresAt: now + 600)
            let outcomes = try await withThrowingTaskGroup(of: GuardSignIn.Redemption.self) { group in
                for i in 1...20 {
                    group.addTask { try await stores.staff.redeemGuardLink(linkHash: Self.hash(0), sessionHash: Self.hash(i), now: now, sessionExpiresAt: now + 3600) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .signedIn(checkpointPlaceID: checkpoint.id) }.count == 1)
            #expect(outcomes.filter { $0 == .alreadyUsed }.count == 19)
            let live = try await (1...20).asyncCompactMap { try await stores.staff.guardSession(sessionHash: Self.hash($0), now: now) }
            #expect(live.count == 1 && live[0].checkpointPlaceID == checkpoint.id && live[0].userName == nil)
            #expect(try await stores.staff.guardSession(sessionHash: Self.hash(99), now: now) == nil)
            // Past its end the session is gone; an unknown link is unknown.
            #expect(try await (1...20).asyncCompactMap { try await stores.staff.guardSession(sessionHash: Self.hash($0), now: now + 3600) }.isEmpty)
            #expect(try await stores.staff.redeemGuardLink(linkHash: Self.hash(77), sessionHash: Self.hash(78), now: now, sessionExpiresAt: now + 1) == .unknown)
        }
    }

    @Test("password sessions, revocation of a checkpoint's links and sessions, sign-out", arguments: Backend.all)
    func revocation(_ backend: Backend) async throws {
        try await backend.withStaff { stores in
            _ = try await stores.places.importPlaces(csv: PlaceStoreTests.street)
            let gate = try #require(try await stores.places.place(code: "GATE"))
            let other = try #require(try await stores.places.place(code: "CP"))
            let now = Int64(Date().timeIntervalSince1970)
            try await stores.staff.createGuardSession(sessionHash: Self.hash(1), checkpointPlaceID: gate.id, userName: "wang", now: now, expiresAt: now + 3600)
            try await stores.staff.createGuardSession(sessionHash: Self.hash(2), checkpointPlaceID: other.id, userName: "zhao", now: now, expiresAt: now + 3600)
            try await stores.staff.createGuardLink(linkHash: Self.hash(3), checkpointPlaceID: gate.id, createdBy: nil, now: now, expiresAt: now + 600)
            try await stores.staff.createGuardLink(linkHash: Self.hash(4), checkpointPlaceID: gate.id, createdBy: nil, now: now - 900, expiresAt: now - 300)
            #expect(try await stores.staff.guardSession(sessionHash: Self.hash(1), now: now)?.userName == "wang")

            #expect(try await stores.staff.revokeGuardSignIns(checkpointPlaceID: gate.id, now: now) == 2, "the session and the unused link; not the expired link")
            #expect(try await stores.staff.guardSession(sessionHash: Self.hash(1), now: now) == nil)
            #expect(try await stores.staff.guardSession(sessionHash: Self.hash(2), now: now) != nil, "another checkpoint's guard is untouched")
            #expect(try await stores.staff.redeemGuardLink(linkHash: Self.hash(3), sessionHash: Self.hash(5), now: now, sessionExpiresAt: now + 60) == .revoked)
            #expect(try await stores.staff.redeemGuardLink(linkHash: Self.hash(4), sessionHash: Self.hash(6), now: now, sessionExpiresAt: now + 60) == .expired)
            try await stores.staff.endGuardSession(sessionHash: Self.hash(2), now: now)
            #expect(try await stores.staff.guardSession(sessionHash: Self.hash(2), now: now) == nil)
        }
    }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var out: [T] = []
        for element in self { if let value = try await transform(element) { out.append(value) } }
        return out
    }
}
