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
        // Every registration and report writes these tables, and each index keyed by a random
        // value costs a page in the write-ahead log per row: indexes that nothing reads are
        // dropped (person_id_index: look-ups go through UNIQUE (place_id, id_index);
        // declaration_day: person look-ups use declaration_person_day), retention finds old
        // reports through a partial index that only reports enter, in time order, and a
        // declaration's regions are keyed by the declaration, which is also what deleting a
        // declaration (ON DELETE CASCADE) needs.
        m.registerMigration("6-registration-indexes") { db in
            try db.execute(sql: """
                DROP INDEX person_id_index;
                DROP INDEX declaration_at;
                DROP INDEX declaration_day;
                CREATE INDEX declaration_report_at ON declaration(at) WHERE source = 'report';
                CREATE TABLE declaration_region_new (
                    declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,
                    person_ref BLOB NOT NULL,
                    region TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    PRIMARY KEY (declaration_id, region)
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO declaration_region_new (declaration_id, person_ref, region, day)
                    SELECT declaration_id, person_ref, region, day FROM declaration_region;
                DROP TABLE declaration_region;
                ALTER TABLE declaration_region_new RENAME TO declaration_region;
                CREATE INDEX declaration_region_region_day ON declaration_region(region, day);
                """)
        }
        // Every scan reads one person's standing by reference (`SQLiteHealthRepository
        // .standingNow`). Through the primary key's index that is two B-tree descents (index, then
        // table row), each ending on a page no earlier scan brought into the cache when people are
        // many; an index holding the columns the scan reads answers it in one.
        m.registerMigration("7-standing-index") { db in
            try db.execute(sql: """
                CREATE INDEX person_standing ON person(ref, kind, status, status_version, place_id, name);
                """)
        }
        // Every new person was also entered in person_place_status (place_id, status), a page per
        // registration written to the log. What reads people by place (coverage, the pending
        // workers of an enterprise) finds them through UNIQUE (place_id, id_index), which starts
        // with the place as well; a place holds a few hundred people.
        m.registerMigration("8-drop-person-place-status") { db in
            try db.execute(sql: "DROP INDEX person_place_status")
        }
        // People whose colour a change over many at once (a risk change, new rules) may have
        // altered and who have not been recomputed yet (SQLiteHealthRepository, "Changes over
        // sets"). Writing their mark is all such a change does to them in its transaction: a few
        // bytes a person in a table of its own, instead of rewriting their wide person rows.
        m.registerMigration("9-stale-people") { db in
            try db.execute(sql: "CREATE TABLE stale_person (ref BLOB PRIMARY KEY) WITHOUT ROWID")
        }
        registerNobodyLeftOut(&m)
        registerChannel(&m)
        return m
    }
}
