import GRDB

/// The schema, as named migrations run at start-up (never edit one that has shipped: add another).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("1-places") { db in
            try db.execute(sql: """
                CREATE TABLE place (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    code TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    parent_id INTEGER REFERENCES place(id),
                    rooms TEXT NOT NULL DEFAULT '',
                    households INTEGER,
                    poster_serial INTEGER NOT NULL DEFAULT 1,
                    position INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX place_parent ON place(parent_id);
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        registerPeople(&m)
        registerHealth(&m)
        registerStaff(&m)
        // The scan log is append-only and busy (every checkpoint scan): no AUTOINCREMENT (a
        // sqlite_sequence update per row) and no index on `at` (retention deletes by id, see
        // SQLiteHealthRepository.purge); an insert costs a third of what it did.
        m.registerMigration("5-scan-log-append-only") { db in
            try db.execute(sql: """
                CREATE TABLE scan_new (
                    id INTEGER PRIMARY KEY,
                    checkpoint_id INTEGER REFERENCES place(id),
                    person_ref BLOB,
                    result TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                INSERT INTO scan_new (id, checkpoint_id, person_ref, result, reason, at)
                    SELECT id, checkpoint_id, person_ref, result, reason, at FROM scan ORDER BY id;
                DROP TABLE scan;
                ALTER TABLE scan_new RENAME TO scan;
                """)
        }
        return m
    }
}
