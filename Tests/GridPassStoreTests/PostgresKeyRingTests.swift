import Foundation
import GridPassCore
@testable import GridPassPostgres
import GridPassTestSupport
import Testing

@Suite("PostgreSQL: the key ring sealed under the master key", .enabled(if: TestPostgres.url != nil))
struct PostgresKeyRingTests {
    /// A new database and the path of a master key file that does not exist yet.
    static func fresh() async throws -> (PostgresDatabase, String) {
        (try await TestPostgres.fresh(), try makeTemporaryDirectory().appendingPathComponent("master.key").path)
    }

    @Test("a new master key file is 0600; keys of every purpose; the database alone holds no key; another master key is refused")
    func sealed() async throws {
        let (database, file) = try await Self.fresh()
        defer { database.close() }
        let ring = try await PostgresKeyRing.open(database, masterKeyFile: file)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        for purpose in KeyPurpose.allCases { #expect(ring.keys().current(purpose) != nil) }
        let sealed = try await database.client.rows("SELECT sealed FROM key_ring") { Array(try $0.get(0, as: Data.self)) }
        #expect(sealed.count == KeyPurpose.allCases.count)
        for key in ring.keys().keys.values {
            #expect(!sealed.contains { box in box.count >= 32 && (0...(box.count - 32)).contains { Array(box[$0..<$0 + 32]) == key.secret } })
        }
        // Opening again with the same file: the same keys.
        let again = try await PostgresKeyRing.open(database, masterKeyFile: file)
        #expect(again.list().map(\.id) == ring.list().map(\.id))
        #expect(again.keys().current(.healthCodes)?.secret == ring.keys().current(.healthCodes)?.secret)
        // Another master key does not open them.
        let other = try makeTemporaryDirectory().appendingPathComponent("other.key").path
        await #expect(throws: KeyRingError.self) { try await PostgresKeyRing.open(database, masterKeyFile: other) }
        // A damaged file is refused with its name.
        try "not base64".write(toFile: other, atomically: true, encoding: .utf8)
        await #expect(throws: KeyRingError.self) { try await PostgresKeyRing.open(database, masterKeyFile: other) }
    }

    @Test("a rotation on one node is seen by another at its reload; older keys stay for verification")
    func rotation() async throws {
        let (database, file) = try await Self.fresh()
        defer { database.close() }
        let nodeA = try await PostgresKeyRing.open(database, masterKeyFile: file)
        let nodeB = try await PostgresKeyRing.open(database, masterKeyFile: file)
        let before = try #require(nodeB.keys().current(.healthCodes))
        let added = try await nodeA.rotate([.healthCodes])
        #expect(nodeA.keys().current(.healthCodes)?.id == added[0])
        try await nodeB.reload()
        #expect(nodeB.keys().current(.healthCodes)?.id == added[0])
        #expect(nodeB.key(id: before.id, purpose: .healthCodes)?.secret == before.secret)
        #expect(nodeB.list().filter { $0.purpose == .healthCodes }.map(\.current) == [false, true])
    }
}
