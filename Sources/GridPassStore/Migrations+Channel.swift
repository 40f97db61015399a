import GRDB

extension Migrations {
    /// Issue 16 (CONTRACT §10): notices and their reads, problem reports, visitor announcements.
    static func registerChannel(_ m: inout DatabaseMigrator) {
        m.registerMigration("12-grid-channel") { db in
            try db.execute(sql: """
                CREATE TABLE notice (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    place_id INTEGER NOT NULL REFERENCES place(id),
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    urgent INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    created_by INTEGER,
                    created_by_name TEXT NOT NULL
                );
                CREATE INDEX notice_place ON notice(place_id, id);
                CREATE TABLE notice_read (
                    notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,
                    person_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (notice_id, person_ref)
                ) WITHOUT ROWID;
                CREATE TABLE problem (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    place_id INTEGER NOT NULL REFERENCES place(id),   -- the door it was reported at
                    grid_id INTEGER,                                  -- the grid it is dispatched to
                    person_ref BLOB REFERENCES person(ref) ON DELETE SET NULL,
                    phone_box BLOB,                                   -- sealed phone of a report from a poster
                    category TEXT NOT NULL,
                    text TEXT NOT NULL,
                    photo BLOB,                                       -- re-encoded PNG, no metadata
                    status TEXT NOT NULL,                             -- open | answered | closed
                    answer TEXT,
                    created_at INTEGER NOT NULL,
                    answered_at INTEGER,
                    answered_by INTEGER,
                    answered_by_name TEXT,
                    closed_at INTEGER
                );
                CREATE INDEX problem_place ON problem(place_id, id);
                CREATE INDEX problem_person ON problem(person_ref);
                CREATE TABLE visitor (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    host_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    community_id INTEGER NOT NULL REFERENCES place(id),
                    name TEXT NOT NULL,
                    phone_index BLOB NOT NULL,                        -- blind index of the phone (look-up by guards)
                    phone_box BLOB NOT NULL,                          -- the phone, sealed
                    arrival INTEGER NOT NULL,                         -- day number, China time
                    until_day INTEGER NOT NULL,
                    days INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX visitor_community ON visitor(community_id, until_day);
                CREATE INDEX visitor_phone ON visitor(phone_index);
                CREATE INDEX visitor_host ON visitor(host_ref);
                """)
        }
    }
}
