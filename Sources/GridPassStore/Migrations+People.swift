import GRDB

extension Migrations {
    static func registerPeople(_ m: inout DatabaseMigrator) {
        m.registerMigration("2-people-users") { db in
            try db.execute(sql: """
                CREATE TABLE person (
                    ref BLOB PRIMARY KEY,                 -- 8 random bytes; hex is the public person_id
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,
                    place_id INTEGER NOT NULL REFERENCES place(id),
                    id_index BLOB NOT NULL,               -- HMAC of the normalised identity number
                    id_number_enc BLOB NOT NULL,          -- key id ‖ AES-256-GCM box
                    phone_enc BLOB NOT NULL,
                    name TEXT NOT NULL,
                    room TEXT,
                    department TEXT,
                    me_token TEXT NOT NULL UNIQUE,
                    review_reason TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (place_id, id_index)
                );
                CREATE INDEX person_id_index ON person(id_index);
                CREATE INDEX person_place_status ON person(place_id, status);
                CREATE TABLE declaration (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    person_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    day INTEGER NOT NULL,                 -- days since 1970-01-01, China time
                    at INTEGER NOT NULL,
                    source TEXT NOT NULL,                 -- registration | report
                    temperature REAL NOT NULL,
                    symptoms TEXT NOT NULL,               -- codes separated by ','
                    visited TEXT NOT NULL,
                    contact TEXT NOT NULL
                );
                CREATE INDEX declaration_person_day ON declaration(person_ref, day);
                CREATE TABLE user (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    scope_place_id INTEGER REFERENCES place(id),
                    password_hash TEXT,
                    token_hash BLOB NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL
                );
                """)
        }
    }
}
