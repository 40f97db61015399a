import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The guard page for a queue (issue 21): one code read twice (scanner and camera, a retry) is
/// one check, and the page learns where its token may scan.
@Suite("Checkpoint: a queue at the gate")
struct CheckpointQueueTests {
    @Test("the same code at the same checkpoint within 3 s is logged once and answered every time; another checkpoint or after 3 s, logged again",
          arguments: Backend.all)
    func repeatsLoggedOnce(_ backend: Backend) async throws {
        var app = try TestApp(backend: backend)
        app.config = try await app.prepared()  // the store made once, to read its scan log beside the app
        let store = app.config.effectiveStore
        try await app.test { client, services in
            let scene = try await Scene.make(client, services)
            let gate = try #require(try await services.places.place(code: "CP-DJ-E")).id
            let hf = try #require(try await services.places.place(code: "CP-HF-M")).id
            var tampered = Array(scene.payload)  // a character of the signature changed
            tampered[tampered.count - 8] = tampered[tampered.count - 8] == "A" ? "B" : "A"
            let forged = String(tampered)
            var logged = ContinuousClock.now
            for i in 0..<3 {
                let (status, answer) = try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate)
                #expect(status == .ok && answer["result"] as? String == "pass" && answer["name"] as? String == "张*华" && answer["checked_at"] is String)
                if i == 0 { logged = .now }  // the window runs from the first scan, which was before this answer
            }
            for _ in 0..<2 {
                let answer = try await client.verify(forged, at: "CP-DJ-E", token: scene.guardGate).1
                #expect(answer["result"] as? String == "invalid" && answer["reason"] as? String == "bad_signature")
            }
            let other = try await client.verify(scene.payload, at: "CP-HF-M", token: scene.guardHF).1
            #expect(other["result"] as? String == "stop" && other["reason"] as? String == "not_resident")
            var rows = try await Self.rows(store, atLeast: 3)
            #expect(rows.map(\.result) == ["pass", "invalid", "stop"], "\(rows.map(\.result))")
            #expect(rows.map(\.checkpointID) == [gate, gate, hf])
            #expect((rows.map(\.reason)) == ["ok", "bad_signature", "not_resident"])

            // Past the window: the next scan of that code there is a check of its own.
            try await Task.sleep(until: logged + .milliseconds(3_100))
            let again = try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate)
            #expect(again.0 == .ok && again.1["result"] as? String == "pass")
            rows = try await Self.rows(store, atLeast: 4)
            #expect(rows.map(\.result) == ["pass", "invalid", "stop", "pass"], "\(rows.map(\.result))")
            #expect(rows.last?.checkpointID == gate)
            let scans = try #require(try await client.json(.get, scene.mePath + "/export").1["scans"] as? [[String: Any]])
            #expect(scans.count == 3, "the person's export: gate, other gate, gate again")
        }
    }

    /// The scan log once it has `atLeast` lines (the writer commits every 200 ms; a loaded machine
    /// takes longer), read again a moment later so that a line too many would be seen too.
    static func rows(_ store: AppServices.Store, atLeast count: Int) async throws -> [(checkpointID: Int64?, result: String, reason: String, at: Int64)] {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await ScanLogWriterTests.rows(store).count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .milliseconds(400))
        return try await ScanLogWriterTests.rows(store)
    }

    @Test("the filter's window: a repeat inside it, not at its end, per checkpoint; what is past it is forgotten")
    func filterWindow() {
        let filter = RepeatScanFilter(window: .seconds(3))
        let t0 = ContinuousClock.now
        #expect(!filter.isRepeat("GP1:A", at: 1, now: t0))
        #expect(filter.isRepeat("GP1:A", at: 1, now: t0 + .milliseconds(2_999)))
        #expect(!filter.isRepeat("GP1:A", at: 2, now: t0 + .milliseconds(10)), "another checkpoint")
        #expect(!filter.isRepeat("GP1:B", at: 1, now: t0 + .milliseconds(10)), "another code")
        #expect(!filter.isRepeat("GP1:A", at: nil, now: t0 + .milliseconds(10)), "no checkpoint (the CLI)")
        #expect(!filter.isRepeat("GP1:A", at: 1, now: t0 + .seconds(3)), "the window is measured from the scan that was logged")
        #expect(filter.isRepeat("GP1:A", at: 1, now: t0 + .milliseconds(5_000)))
        #expect(filter.count == 4)
        #expect(!filter.isRepeat("GP1:C", at: 1, now: t0 + .seconds(10)))
        #expect(filter.count == 1, "a sweep forgets what is past the window")
    }

    @Test("a zero window (serve --repeat-window 0) logs every scan and remembers nothing")
    func zeroWindow() {
        let filter = RepeatScanFilter(window: .zero)
        let t0 = ContinuousClock.now
        #expect(!filter.isRepeat("GP1:A", at: 1, now: t0))
        #expect(!filter.isRepeat("GP1:A", at: 1, now: t0))
        #expect(filter.count == 0)
    }

    @Test("/api/v1/me names the checkpoints the token may scan at: a guard's own, a staff scope's, every one for an admin, none for HR",
          arguments: Backend.all)
    func meCheckpoints(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let accounts = AccountService(services: services)
            let community = try await accounts.addUser(name: "dj-staff", role: .staff, scope: "DJ", password: nil).token
            let hr = try await accounts.addUser(name: "hr", role: .hr, scope: "E-PSJM", password: nil).token
            func checkpoints(_ token: String) async throws -> [[String: String]] {
                let (status, me) = try await client.json(.get, "/api/v1/me", token: token)
                #expect(status == .ok)
                return try #require(me["checkpoints"] as? [[String: String]])
            }
            let own = try await checkpoints(scene.guardGate)
            #expect(own.map { [$0["code"], $0["name"]] } == [["CP-DJ-E", "东门"]])
            #expect(own.first?["full_name"]?.hasPrefix("平山区东明街道东进社区") == true && own.first?["full_name"]?.hasSuffix("东门") == true, "\(own)")
            #expect(Set(try await checkpoints(community).compactMap { $0["code"] }) == ["CP-DJ-E", "CP-DJ-S", "CP-PSJM", "CP-DMSP"])
            #expect(try await checkpoints(scene.staff).isEmpty, "a grid without checkpoints")
            #expect(Set(try await checkpoints(scene.admin).compactMap { $0["code"] }) == ["CP-DJ-E", "CP-DJ-S", "CP-PSJM", "CP-DMSP", "CP-HF-M", "CP-HFWL"])
            #expect(try await checkpoints(hr).isEmpty)
            // Each listed checkpoint is one where the token is let through.
            for code in try await checkpoints(community).compactMap({ $0["code"] }) {
                #expect(try await client.verify(scene.payload, at: code, token: community).0 == .ok, "\(code)")
            }
        }
    }
}
