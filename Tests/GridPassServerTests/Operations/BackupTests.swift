import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassStore
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Backups of a data directory (CONTRACT §9)")
struct BackupTests {
    struct Registered: Sendable {
        let id: String, payload: String, at: ContinuousClock.Instant
    }

    /// How many registrations were acknowledged so far (the backup starts once some are).
    actor Progress {
        var count = 0
        func add() { count += 1 }
    }

    @Test("a backup taken under a registration load holds every registration acknowledged before it began; restored, codes and posters still verify")
    func underLoad() async throws {
        let app = try TestApp()
        let dir = try makeTemporaryDirectory()
        let keyFile = dir.appendingPathComponent("backup.key").path
        let out = dir.appendingPathComponent("gridpass.backup").path
        let restoredPath = dir.appendingPathComponent("restored").path
        let dataPath = app.config.dataDirectory
        try await app.test(.live) { client, services in
            let door = try await Fixture.poster("DJ-B03-U2", services)
            let token = door.token
            enum Outcome: Sendable {
                case registered([Registered])
                case backupBegan(ContinuousClock.Instant)
            }
            let progress = Progress()
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var done: [Registered] = []
                        for n in 0..<25 {
                            var body = Fixture.resident(token: token, id: Fixture.idNumber(worker * 100 + n), room: "301")
                            let digits = Array("零一二三四五六七八九")
                            body["name"] = "住户" + String(digits[worker]) + String(digits[n / 10]) + String(digits[n % 10])
                            let (status, answer) = try await client.postJSON("/api/v1/registrations", body)
                            let now = ContinuousClock.now
                            guard status == .created, let id = answer["person_id"] as? String,
                                  let payload = (answer["health_code"] as? [String: Any])?["payload"] as? String else { continue }
                            done.append(Registered(id: id, payload: payload, at: now))
                            await progress.add()
                        }
                        return .registered(done)
                    }
                }
                group.addTask {
                    // Begin once ten registrations were acknowledged (however slow the machine), while the others go on.
                    let deadline = ContinuousClock.now + .seconds(60)
                    while await progress.count < 10 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                    let began = ContinuousClock.now
                    try Backup.write(try DataDirectory(path: dataPath), to: out, keyFile: keyFile)
                    return .backupBegan(began)
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var all: [Registered] = []
            var began: ContinuousClock.Instant?
            for outcome in outcomes {
                switch outcome {
                case .registered(let r): all += r
                case .backupBegan(let at): began = at
                }
            }
            let begin = try #require(began)
            let before = all.filter { $0.at < begin }
            #expect(before.count > 0, "some registrations were acknowledged before the backup began")
            // The backup and its key: private files.
            for file in [out, keyFile] {
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
                #expect(mode & 0o077 == 0, "\(file) is 0600")
            }
            #expect(!(try Data(contentsOf: URL(fileURLWithPath: out))).contains(Data("住户".utf8)), "sealed")

            try Backup.restore(out, keyFile: keyFile, into: restoredPath)
            let restored = try await AppServices.open(.sqlite(dataDirectory: restoredPath))
            let verifier = VerifyService(services: restored, log: { _ in })
            let gate = try #require(try await verifier.checkpoint(code: "CP-DJ-E"))
            for person in before {
                #expect(try await restored.people.person(id: person.id) != nil, "\(person.id) is in the backup")
            }
            let sample = try #require(before.first)
            #expect(try await verifier.verify(sample.payload, at: gate).verdict.result == .pass)
            guard case .door(let path) = try await PosterLookup.resolve(door.token, services: restored) else {
                Issue.record("the poster does not resolve on the restored directory"); return
            }
            #expect(path.place.code == "DJ-B03-U2")
        }
        #expect(throws: Backup.Failure.self) { try Backup.restore(out, keyFile: keyFile, into: restoredPath) }  // not empty
        let otherKey = dir.appendingPathComponent("other.key").path
        _ = try? Backup.write(try DataDirectory(path: dir.appendingPathComponent("empty").path), to: dir.appendingPathComponent("x").path, keyFile: otherKey)
        #expect(throws: Backup.Failure.self) { try Backup.restore(out, keyFile: otherKey, into: dir.appendingPathComponent("r2").path) }
    }

    @Test("PostgreSQL: a backup of the database, restored as a data directory, holds its people and keys; codes signed on PostgreSQL verify")
    func postgres() async throws {
        guard Backend.all.contains(.postgres) else { return }  // no test cluster in this run
        let app = try TestApp(backend: .postgres)
        let config = try await app.prepared()
        guard case .postgres(let url, let masterKeyFile) = config.effectiveStore else { Issue.record("not PostgreSQL"); return }
        let dir = try makeTemporaryDirectory()
        let out = dir.appendingPathComponent("pg.backup").path, keyFile = dir.appendingPathComponent("backup.key").path
        var testApp = app
        testApp.config = config
        try await testApp.test { client, services in
            let scene = try await Scene.make(client, services)
            _ = try await client.postJSON(scene.mePath + "/reports", ["temperature": 36.6, "symptoms": [String](), "visited": [String](), "contact": "none"])
            let payload = try #require((try await client.json(.get, scene.mePath + "/code.json").1)["payload"] as? String)
            _ = try await PostgresBackup.write(url: url, masterKeyFile: masterKeyFile, to: out, keyFile: keyFile)
            let restoredPath = dir.appendingPathComponent("restored").path
            try Backup.restore(out, keyFile: keyFile, into: restoredPath)
            let restored = try await AppServices.open(.sqlite(dataDirectory: restoredPath))
            #expect(try await restored.people.count() == (try await services.people.count()))
            #expect(try await restored.people.person(id: scene.personID)?.name == "张三华")
            #expect(try await restored.people.contact(of: scene.personID)?.phone == "13800138000", "the data key came along")
            let verifier = VerifyService(services: restored, log: { _ in })
            let gate = try #require(try await verifier.checkpoint(code: "CP-DJ-E"))
            #expect(try await verifier.verify(payload, at: gate).verdict.result == .pass)
            #expect(try await restored.health.declarations(of: try #require(PersonRef(hex: scene.personID))).count == 2)
        }
    }
}
