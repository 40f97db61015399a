import GRDB

extension Migrations {
    /// Issue 15 (CONTRACT §11): guard sign-in links and sessions.
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
    }
}
