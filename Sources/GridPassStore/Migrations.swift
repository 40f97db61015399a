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
        return m
    }
}
