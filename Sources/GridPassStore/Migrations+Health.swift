import GRDB

extension Migrations {
    static func registerHealth(_ m: inout DatabaseMigrator) {
        m.registerMigration("3-health-codes") { db in
            try db.execute(sql: """
                ALTER TABLE person ADD COLUMN status_version INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE person ADD COLUMN color TEXT;
                ALTER TABLE person ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE person ADD COLUMN code_payload TEXT;
                ALTER TABLE person ADD COLUMN code_color TEXT;
                ALTER TABLE person ADD COLUMN code_version INTEGER;
                ALTER TABLE person ADD COLUMN code_issued_at INTEGER;
                ALTER TABLE person ADD COLUMN code_expires_at INTEGER;
                CREATE TABLE declaration_region (
                    declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,
                    person_ref BLOB NOT NULL,
                    region TEXT NOT NULL,
                    day INTEGER NOT NULL
                );
                CREATE INDEX declaration_region_region_day ON declaration_region(region, day);
                CREATE TABLE flag (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    person_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    by_user INTEGER REFERENCES user(id)
                );
                CREATE INDEX flag_person ON flag(person_ref, id);
                CREATE TABLE risk_region (
                    region TEXT PRIMARY KEY,
                    level TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE scan (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    checkpoint_id INTEGER REFERENCES place(id),
                    person_ref BLOB,
                    result TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX scan_at ON scan(at);
                CREATE INDEX declaration_at ON declaration(at);
                """)
            // Regions of declarations stored before this migration.
            let rows = try Row.fetchAll(db, sql: "SELECT id, person_ref, visited, day FROM declaration WHERE visited != ''")
            for row in rows {
                let visited: String = row["visited"]
                for region in visited.split(separator: ",") {
                    try db.execute(sql: "INSERT INTO declaration_region (declaration_id, person_ref, region, day) VALUES (?, ?, ?, ?)",
                                   arguments: [row["id"] as Int64, row["person_ref"] as DatabaseValue, String(region), row["day"] as Int64])
                }
            }
        }
    }
}
