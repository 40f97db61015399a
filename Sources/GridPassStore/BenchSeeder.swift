import Foundation
import GRDB
import GridPassCore
import GridPassCrypto

/// Synthetic residents for benchmarks (`gridpass bench seed`, scripts/bench-verify): many rows in
/// `person`, fast, written with SQL directly. Not for real data directories: the encrypted
/// fields and the identity-number index are random bytes of the real sizes (they decrypt to
/// nothing), and no declaration rows are written.
public enum BenchSeeder {
    /// What was inserted, with a random sample of the new people and their stored codes.
    public struct Outcome: Sendable {
        public let inserted: Int
        /// In random order.
        public let sample: [(ref: PersonRef, code: String)]
        public let seconds: Double
        /// The codes of the people seeded with a visit (`visits`), in insertion order.
        public let visitors: [String]
    }

    /// A visit to `region` declared by every `every`-th seeded person.
    public struct Visits: Sendable {
        public let region: String
        public let every: Int
        public init(region: String, every: Int) {
            precondition(every >= 1)
            self.region = region
            self.every = every
        }
    }

    /// Inserts `people` active residents of `placeID` with random 8-byte refs, status version 1,
    /// colour green and a current code (`sign(ref)`, stored as the person's code with the given
    /// times, version 1), in transactions of `batchSize` rows on a connection of its own with
    /// `synchronous = OFF` (a crash while seeding may lose the seed, not the rest of the file).
    /// Row sizes follow real registrations: 32-byte index, sealed identity number (2 + 12 + 18 + 16
    /// bytes) and phone (2 + 12 + 11 + 16), a 3-character name, a room, a 32-character page token.
    /// With `visits`, every `every`-th new person (the first, then every `every`) also has a
    /// registration declaration of today (36.5 °C, no symptom, no contact) that names `region`, as
    /// a real registration writes it (`declaration` and `declaration_region` rows): the people a
    /// risk change of that region touches. Their codes are listed in `Outcome.visitors`.
    /// - Parameters:
    ///   - databasePath: an existing, migrated GridPass database (open the data directory first).
    ///   - sample: how many of the new people to return with their codes (at most `people`).
    ///   - progress: called after each committed batch with the number inserted so far.
    public static func seed(databasePath: String, placeID: Int64, people: Int, sample: Int, rooms: [String],
                            issuedAt: Int64, expiresAt: Int64, batchSize: Int = 50_000, visits: Visits? = nil,
                            sign: (PersonRef) throws -> String, progress: ((Int) -> Void)? = nil) throws -> Outcome {
        precondition(people >= 0 && sample >= 0 && batchSize >= 1)
        let clock = ContinuousClock(), start = clock.now
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.label = "bench-seeder"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
        }
        let queue = try DatabaseQueue(path: databasePath, configuration: config)

        // Which of the new rows (by insertion index) go into the sample.
        var chosen = Set<Int>()
        let wanted = min(sample, people)
        if wanted * 2 > people {
            chosen = Set((0..<people).shuffled().prefix(wanted))
        } else {
            while chosen.count < wanted { chosen.insert(Int.random(in: 0..<people)) }
        }

        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭").map(String.init)
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明").map(String.init)
        let rooms = rooms.isEmpty ? [""] : rooms
        let now = Int64(Date().timeIntervalSince1970)
        // Per row: ref 8, id_index 32, id_number_enc 48, phone_enc 41, me_token 20 (base32: 32 chars).
        let layout = [8, 32, 48, 41, 20], rowBytes = layout.reduce(0, +)
        var seen = Set<UInt64>(minimumCapacity: people)
        var picked: [(ref: PersonRef, code: String)] = []
        picked.reserveCapacity(wanted)
        var inserted = 0
        var visitors: [String] = []
        let today = Day(unixSeconds: now).number

        while inserted < people {
            let n = min(batchSize, people - inserted)
            let random = try SecureRandom.bytes(n * rowBytes)
            // Sign outside the write transaction.
            var rows: [(ref: [UInt8], fields: ArraySlice<UInt8>, code: String)] = []
            rows.reserveCapacity(n)
            for k in 0..<n {
                let base = k * rowBytes
                var ref = Array(random[base..<base + 8])
                var key = ref.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                while !seen.insert(key).inserted {  // a repeated ref (p ≈ n²/2⁶⁵): draw another
                    ref = try SecureRandom.bytes(8)
                    key = ref.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                }
                let code = try sign(PersonRef(bytes: ref)!)
                rows.append((ref: ref, fields: random[base + 8..<base + rowBytes], code: code))
            }
            try queue.write { db in
                let statement = try db.makeStatement(sql: """
                    INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, me_token,
                                        created_at, updated_at, status_version, color, reasons,
                                        code_payload, code_color, code_version, code_issued_at, code_expires_at)
                    VALUES (?, 'resident', 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'green', '[]', ?, 'green', 1, ?, ?)
                    """)
                for (k, row) in rows.enumerated() {
                    let i = inserted + k
                    let f = row.fields, o = f.startIndex
                    let name = surnames[i % 16] + given[(i / 16) % 16] + given[(i / 256) % 16]
                    try statement.execute(arguments: [
                        Data(row.ref), placeID, Data(f[o..<o + 32]), Data(f[o + 32..<o + 80]), Data(f[o + 80..<o + 121]),
                        name, rooms[i % rooms.count], Base32.encode(f[o + 121..<o + 141]), now, now,
                        row.code, issuedAt, expiresAt,
                    ])
                }
                guard let visits else { return }
                let declaration = try db.makeStatement(sql: """
                    INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
                    VALUES (?, ?, ?, 'registration', 36.5, '', ?, 'none')
                    """)
                let region = try db.makeStatement(sql: "INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (?, ?, ?, ?)")
                for (k, row) in rows.enumerated() where (inserted + k) % visits.every == 0 {
                    try declaration.execute(arguments: [Data(row.ref), today, now, visits.region])
                    try region.execute(arguments: [db.lastInsertedRowID, Data(row.ref), visits.region, today])
                }
            }
            if let visits {
                for (k, row) in rows.enumerated() where (inserted + k) % visits.every == 0 { visitors.append(row.code) }
            }
            for (k, row) in rows.enumerated() where chosen.contains(inserted + k) {
                picked.append((PersonRef(bytes: row.ref)!, row.code))
            }
            inserted += n
            progress?(inserted)
        }
        // Leave the file tidy for the benchmark: everything in the main database file.
        try? queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return Outcome(inserted: inserted, sample: picked.shuffled(), seconds: (clock.now - start).inSeconds, visitors: visitors)
    }
}
