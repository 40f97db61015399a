import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Workers and their enterprise's review")
struct WorkerReviewTests {
    @Test("a worker is pending without a code; only HR of that enterprise (or an admin) may approve", arguments: Backend.all)
    func review(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let accounts = AccountService(services: services)
            let (_, hr) = try await accounts.addUser(name: "hr-psjm", role: .hr, scope: "E-PSJM", password: nil)
            let (_, otherHR) = try await accounts.addUser(name: "hr-dmsp", role: .hr, scope: "E-DMSP", password: nil)
            let (_, staff) = try await accounts.addUser(name: "lvhua", role: .staff, scope: "DJ-G2", password: "grid-worker-1")
            let door = try await Fixture.poster("E-PSJM", services)
            let (status, body) = try await client.postJSON("/api/v1/registrations", Fixture.worker(token: door.token))
            #expect(status == .created)
            #expect(body["kind"] as? String == "worker" && body["status"] as? String == "pending")
            #expect(body["health_code"] is NSNull)
            let id = try #require(body["person_id"] as? String)
            let approve = "/api/v1/workers/\(id)/approve"
            #expect(try await client.postJSON(approve, [String: Any]()).0 == .unauthorized)
            #expect(try await client.postJSON(approve, [String: Any](), token: "gpt_" + String(repeating: "A", count: 32)).0 == .unauthorized)
            #expect(try await client.postJSON(approve, [String: Any](), token: otherHR).0 == .forbidden)
            #expect(try await client.postJSON(approve, [String: Any](), token: staff).0 == .forbidden)
            #expect(try await services.people.pendingWorkers(enterpriseID: nil).map(\.id) == [id])
            let (ok, approved) = try await client.postJSON(approve, ["reason": "入职材料齐全"], token: hr)
            #expect(ok == .ok)
            #expect(approved["status"] as? String == "active")
            #expect((approved["health_code"] as? [String: Any])?["color"] as? String == "green")
            #expect(try await services.people.pendingWorkers(enterpriseID: nil).isEmpty)
            #expect(try await client.postJSON("/api/v1/workers/\(id)/reject", [String: Any](), token: hr).1["status"] as? String == "rejected")
            #expect(try await client.postJSON("/api/v1/workers/0000000000000000/approve", [String: Any](), token: hr).0 == .notFound)
        }
    }

    @Test("user add checks role and scope", arguments: Backend.all)
    func accounts(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { _, services in
            let accounts = AccountService(services: services)
            await #expect(throws: AccountService.Failure.self) { try await accounts.addUser(name: "x", role: .hr, scope: "DJ-G1", password: nil) }
            await #expect(throws: AccountService.Failure.self) { try await accounts.addUser(name: "x", role: .guard_, scope: nil, password: nil) }
            await #expect(throws: AccountService.Failure.self) { try await accounts.addUser(name: "x", role: .admin, scope: "PS", password: nil) }
            await #expect(throws: AccountService.Failure.self) { try await accounts.addUser(name: "x", role: .staff, scope: "NOPE", password: nil) }
            let (user, token) = try await accounts.addUser(name: "guard-1", role: .guard_, scope: "CP-DJ-E", password: nil)
            #expect(APIToken.isWellFormed(token))
            await #expect(throws: AccountService.Failure.self) { try await accounts.addUser(name: "guard-1", role: .admin, scope: nil, password: nil) }
            #expect(user.role == .guard_)
        }
    }
}
