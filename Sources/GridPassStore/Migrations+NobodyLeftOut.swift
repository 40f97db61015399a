import GRDB

extension Migrations {
    /// Issue 15 (CONTRACT §11): guard sign-in links and sessions; health cards, reports entered by
    /// staff, appeals.
    static func registerNobodyLeftOut(_ m: inout DatabaseMigrator) {
        m.registerMigration("10-guard-signin") { db in
            try db.execute(sql: """
                CREATE TABLE guard_signin (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    checkpoint_place_id INTEGER NOT NULL REFERENCES place(id),
                    link_hash BLOB UNIQUE,                -- SHA-256 of the printed link's secret (NULL: password sign-in)
                    session_hash BLOB UNIQUE,             -- SHA-256 of the guard-session token, once there is one
                    user_name TEXT,                       -- the guard account of a password sign-in
                    created_by INTEGER,                   -- the staff user who printed the link
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,          -- the link's end
                    used_at INTEGER,
                    session_expires_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX guard_signin_checkpoint ON guard_signin(checkpoint_place_id);
                """)
        }
        m.registerMigration("11-cards-appeals") { db in
            try db.execute(sql: """
                CREATE TABLE health_card (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    person_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    card_hash BLOB NOT NULL UNIQUE,       -- SHA-256 of the card's QR text (HealthCard)
                    created_at INTEGER NOT NULL,
                    created_by INTEGER,
                    revoked_at INTEGER                    -- set when a newer card is printed
                );
                CREATE INDEX health_card_person ON health_card(person_ref);
                ALTER TABLE declaration ADD COLUMN entered_by INTEGER;   -- the staff user who entered a report for the person
                ALTER TABLE declaration ADD COLUMN struck_at INTEGER;    -- struck by an upheld appeal: kept, ignored by the rules
                CREATE TABLE appeal (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    person_ref BLOB NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    status TEXT NOT NULL,                 -- open | upheld | dismissed
                    created_at INTEGER NOT NULL,
                    decided_at INTEGER,
                    decided_by INTEGER,
                    decided_by_name TEXT,
                    decision_reason TEXT
                );
                CREATE INDEX appeal_person ON appeal(person_ref, id);
                CREATE UNIQUE INDEX appeal_one_open ON appeal(person_ref) WHERE status = 'open';
                CREATE INDEX appeal_open ON appeal(status, id);
                """)
        }
    }
}
