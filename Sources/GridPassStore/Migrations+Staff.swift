import GRDB

extension Migrations {
    static func registerStaff(_ m: inout DatabaseMigrator) {
        m.registerMigration("4-staff") { db in
            try db.execute(sql: """
                CREATE TABLE staff_session (
                    id_hash BLOB PRIMARY KEY,             -- SHA-256 of the cookie's random id
                    user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX staff_session_expires ON staff_session(expires_at);
                CREATE TABLE login_throttle (
                    account TEXT PRIMARY KEY,             -- the name typed at sign-in
                    failures INTEGER NOT NULL,
                    window_start INTEGER NOT NULL,
                    locked_until INTEGER
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    user_id INTEGER,                      -- no foreign key: the log outlives accounts
                    user_name TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT '',
                    address TEXT
                );
                CREATE INDEX audit_at ON audit(at);
                CREATE INDEX declaration_day ON declaration(day, person_ref);
                """)
        }
    }
}
