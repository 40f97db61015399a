import Logging
import PostgresNIO

/// The PostgreSQL schema, versioned like SQLite's (`GridPassStore/Migrations.swift`): each
/// migration is applied once, in order, in one transaction with its record in
/// `schema_migration`. Nodes starting together take turns on a transaction-scoped advisory lock.
///
/// Version 1 is the SQLite schema as of its migration 9, translated: BYTEA for blobs, BIGINT for
/// times and ids, `app_user` for `user` (a reserved word), a covering index with INCLUDE for the
/// scans' person read, and the key ring as rows sealed under the deployment's master key.
enum PostgresMigrations {
    static let lockKey: Int64 = 0x6772_6964_7061_7373  // "gridpass"

    static let all: [(name: String, statements: [String])] = [
        ("1-schema", schemaV1),
        ("2-risk-epoch", riskEpochV2),
        ("3-place-epoch-batches", placeEpochV3),
        ("4-guard-signin", guardSignInV4),
        ("5-cards-appeals", cardsAppealsV5),
        ("6-grid-channel", gridChannelV6),
    ]

    /// Issue 16: notices and their reads, problem reports, visitors (SQLite: 12-grid-channel).
    static let gridChannelV6: [String] = [
        """
        CREATE TABLE notice (
            id BIGSERIAL PRIMARY KEY,
            place_id BIGINT NOT NULL REFERENCES place(id),
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            urgent BIGINT NOT NULL,          -- 0 or 1, as in SQLite (gridpass migrate copies it)
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            created_by BIGINT,
            created_by_name TEXT NOT NULL
        )
        """,
        "CREATE INDEX notice_place ON notice(place_id, id)",
        """
        CREATE TABLE notice_read (
            notice_id BIGINT NOT NULL REFERENCES notice(id) ON DELETE CASCADE,
            person_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            at BIGINT NOT NULL,
            PRIMARY KEY (notice_id, person_ref)
        )
        """,
        """
        CREATE TABLE problem (
            id BIGSERIAL PRIMARY KEY,
            place_id BIGINT NOT NULL REFERENCES place(id),
            grid_id BIGINT,
            person_ref BYTEA REFERENCES person(ref) ON DELETE SET NULL,
            phone_box BYTEA,
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            photo BYTEA,
            status TEXT NOT NULL,
            answer TEXT,
            created_at BIGINT NOT NULL,
            answered_at BIGINT,
            answered_by BIGINT,
            answered_by_name TEXT,
            closed_at BIGINT
        )
        """,
        "CREATE INDEX problem_place ON problem(place_id, id)",
        "CREATE INDEX problem_person ON problem(person_ref)",
        """
        CREATE TABLE visitor (
            id BIGSERIAL PRIMARY KEY,
            host_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            community_id BIGINT NOT NULL REFERENCES place(id),
            name TEXT NOT NULL,
            phone_index BYTEA NOT NULL,
            phone_box BYTEA NOT NULL,
            arrival INTEGER NOT NULL,
            until_day INTEGER NOT NULL,
            days INTEGER NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX visitor_community ON visitor(community_id, until_day)",
        "CREATE INDEX visitor_phone ON visitor(phone_index)",
        "CREATE INDEX visitor_host ON visitor(host_ref)",
    ]

    /// Issue 15: health cards, reports entered by staff, appeals (SQLite: 11-cards-appeals).
    static let cardsAppealsV5: [String] = [
        """
        CREATE TABLE health_card (
            id BIGSERIAL PRIMARY KEY,
            person_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            card_hash BYTEA NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            created_by BIGINT,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX health_card_person ON health_card(person_ref)",
        "ALTER TABLE declaration ADD COLUMN entered_by BIGINT",
        "ALTER TABLE declaration ADD COLUMN struck_at BIGINT",
        """
        CREATE TABLE appeal (
            id BIGSERIAL PRIMARY KEY,
            person_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            decided_at BIGINT,
            decided_by BIGINT,
            decided_by_name TEXT,
            decision_reason TEXT
        )
        """,
        "CREATE INDEX appeal_person ON appeal(person_ref, id)",
        "CREATE UNIQUE INDEX appeal_one_open ON appeal(person_ref) WHERE status = 'open'",
        "CREATE INDEX appeal_open ON appeal(status, id)",
    ]

    /// Issue 15: guard sign-in links and sessions (SQLite: migration 10-guard-signin).
    static let guardSignInV4: [String] = [
        """
        CREATE TABLE guard_signin (
            id BIGSERIAL PRIMARY KEY,
            checkpoint_place_id BIGINT NOT NULL REFERENCES place(id),
            link_hash BYTEA UNIQUE,
            session_hash BYTEA UNIQUE,
            user_name TEXT,
            created_by BIGINT,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT,
            session_expires_at BIGINT,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX guard_signin_checkpoint ON guard_signin(checkpoint_place_id)",
    ]

    /// Risk changes and the writers that colour codes with the risk list take turns
    /// (`riskLockKey`): a risk change holds it exclusively for its whole transaction, a writer
    /// shared from before it reads the list until it commits. So a risk change's marks see every
    /// declaration committed under the old list, and a writer that waited reads the new list.
    static let riskLockKey = lockKey + 3

    static let riskEpochV2: [String] = [
        // Counts risk changes: a node may colour a registration with its copy of the list only
        // while the epoch it was read at is still the current one.
        "CREATE TABLE risk_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL)",
        "INSERT INTO risk_epoch (id, n) VALUES (1, 0)",
        // The risk list and its epoch, read after taking the shared turn (held to the end of the
        // calling transaction). A volatile PL/pgSQL function: its query sees commits made while
        // it waited for the turn.
        """
        CREATE FUNCTION gridpass_risks() RETURNS TABLE (epoch BIGINT, region TEXT, level TEXT)
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(\(riskLockKey));
            RETURN QUERY SELECT e.n, r.region, r.level FROM risk_epoch e LEFT JOIN risk_region r ON true;
        END $$
        """,
        // A new person with their first declaration in ONE statement (one round trip): coloured
        // and signed by the node before the call, with the risk list of epoch p_epoch and the
        // newest key p_key_max; stored only if both are still current ('risk' / 'keys' when
        // not: the node reads again and retries) and the person is new ('exists': the node
        // takes the transaction that updates them).
        """
        CREATE FUNCTION gridpass_register_new(
            p_epoch BIGINT, p_key_max BIGINT,
            p_ref BYTEA, p_kind TEXT, p_status TEXT, p_place BIGINT, p_index BYTEA, p_id_enc BYTEA, p_phone_enc BYTEA,
            p_name TEXT, p_room TEXT, p_department TEXT, p_me TEXT, p_now BIGINT,
            p_version BIGINT, p_color TEXT, p_reasons TEXT, p_code TEXT, p_code_color TEXT, p_code_version BIGINT,
            p_issued BIGINT, p_expires BIGINT,
            p_day INTEGER, p_temperature DOUBLE PRECISION, p_symptoms TEXT, p_visited TEXT, p_contact TEXT, p_regions TEXT[]
        ) RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
        DECLARE d BIGINT;
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(\(riskLockKey));
            IF (SELECT n FROM risk_epoch) <> p_epoch THEN RETURN 'risk'; END IF;
            IF (SELECT coalesce(max(id), 0) FROM key_ring) <> p_key_max THEN RETURN 'keys'; END IF;
            INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                me_token, created_at, updated_at, status_version, color, reasons, code_payload,
                                code_color, code_version, code_issued_at, code_expires_at)
            VALUES (p_ref, p_kind, p_status, p_place, p_index, p_id_enc, p_phone_enc, p_name, p_room, p_department,
                    p_me, p_now, p_now, p_version, p_color, p_reasons, p_code, p_code_color, p_code_version, p_issued, p_expires)
            ON CONFLICT DO NOTHING;
            IF NOT FOUND THEN
                IF EXISTS (SELECT 1 FROM person WHERE place_id = p_place AND id_index = p_index) THEN RETURN 'exists'; END IF;
                RETURN 'retry';  -- the drawn reference or page token was taken: draw again
            END IF;
            INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
            VALUES (p_ref, p_day, p_now, 'registration', p_temperature, p_symptoms, p_visited, p_contact)
            RETURNING id INTO d;
            INSERT INTO declaration_region (declaration_id, person_ref, region, day)
            SELECT DISTINCT d, p_ref, r, p_day FROM unnest(p_regions) AS r;
            RETURN 'inserted';
        END $$
        """,
    ]

    static let placeEpochV3: [String] = [
        // Counts changes of places (a poster rotation, an import, a migration): a node keeps the
        // places it read while the count it read them at is still the current one
        // (`PostgresPlaceRepository`). Bumped in the changing statement's own transaction.
        "CREATE TABLE place_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL)",
        "INSERT INTO place_epoch (id, n) VALUES (1, 0)",
        """
        CREATE FUNCTION gridpass_place_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE place_epoch SET n = n + 1;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER place_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON place
        FOR EACH STATEMENT EXECUTE FUNCTION gridpass_place_changed()
        """,
        // New people with their first declarations, in ONE round trip that is answered only once
        // durable: CALLed on its own (not in BEGIN … COMMIT), the procedure stores the batch and
        // commits it itself; its answer comes after that COMMIT has been flushed. Element i of
        // every array is person i (bit 1/2/4/8 of p_nulls[i]: room / department / colour / code
        // are NULL), coloured and signed by the node before the call with the risk list of epoch
        // p_epoch[i] and the newest key p_key_max[i]. Outcome i in o_outcomes: 'inserted';
        // 'risk' / 'keys' when that list or key is no longer current (the node reads again and
        // retries); 'exists' when a person of that place and identity index exists (the node
        // takes the transaction that updates them); 'retry' when the drawn reference or page
        // token was taken (or the person was inserted meanwhile): the node draws again.
        // (`gridpass_register_new` of version 2 stays for nodes of the previous release during a
        // rolling upgrade; this release no longer calls it.)
        """
        CREATE PROCEDURE gridpass_register_batch(
            p_epoch BIGINT[], p_key_max BIGINT[],
            p_ref BYTEA[], p_kind TEXT[], p_status TEXT[], p_place BIGINT[], p_index BYTEA[], p_id_enc BYTEA[], p_phone_enc BYTEA[],
            p_name TEXT[], p_room TEXT[], p_department TEXT[], p_me TEXT[], p_now BIGINT[],
            p_version BIGINT[], p_color TEXT[], p_reasons TEXT[], p_code TEXT[], p_code_color TEXT[], p_code_version BIGINT[],
            p_issued BIGINT[], p_expires BIGINT[],
            p_day INTEGER[], p_temperature DOUBLE PRECISION[], p_symptoms TEXT[], p_visited TEXT[], p_contact TEXT[], p_regions TEXT[],
            p_nulls INTEGER[], INOUT o_outcomes TEXT[] DEFAULT NULL
        ) LANGUAGE plpgsql AS $$
        DECLARE current_epoch BIGINT; current_key BIGINT;
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(\(riskLockKey));
            SELECT n INTO current_epoch FROM risk_epoch;
            SELECT coalesce(max(id), 0) INTO current_key FROM key_ring;
            WITH item AS (
                SELECT * FROM unnest(p_epoch, p_key_max, p_ref, p_kind, p_status, p_place, p_index, p_id_enc, p_phone_enc,
                                     p_name, p_room, p_department, p_me, p_now, p_version, p_color, p_reasons, p_code,
                                     p_code_color, p_code_version, p_issued, p_expires, p_day, p_temperature, p_symptoms,
                                     p_visited, p_contact, p_regions, p_nulls)
                    WITH ORDINALITY AS t(epoch, key_max, ref, kind, status, place, idx, id_enc, phone_enc, name, room, department,
                                         me, now_at, version, color, reasons, code, code_color, code_version, issued, expires, day,
                                         temperature, symptoms, visited, contact, regions, nulls, i)
            ), ok AS (
                SELECT * FROM item WHERE epoch = current_epoch AND key_max = current_key
            ), ins AS (
                INSERT INTO person (ref, kind, status, place_id, id_index, id_number_enc, phone_enc, name, room, department,
                                    me_token, created_at, updated_at, status_version, color, reasons, code_payload,
                                    code_color, code_version, code_issued_at, code_expires_at)
                SELECT ref, kind, status, place, idx, id_enc, phone_enc, name,
                       CASE WHEN nulls & 1 = 0 THEN room END, CASE WHEN nulls & 2 = 0 THEN department END, me, now_at, now_at,
                       version, CASE WHEN nulls & 4 = 0 THEN color END, reasons,
                       CASE WHEN nulls & 8 = 0 THEN code END, CASE WHEN nulls & 8 = 0 THEN code_color END,
                       CASE WHEN nulls & 8 = 0 THEN code_version END, CASE WHEN nulls & 8 = 0 THEN issued END,
                       CASE WHEN nulls & 8 = 0 THEN expires END
                FROM ok ORDER BY i
                ON CONFLICT DO NOTHING
                RETURNING person.ref, person.me_token
            ), declared AS (
                INSERT INTO declaration (person_ref, day, at, source, temperature, symptoms, visited, contact)
                SELECT ok.ref, ok.day, ok.now_at, 'registration', ok.temperature, ok.symptoms, ok.visited, ok.contact
                FROM ok JOIN ins ON ins.ref = ok.ref AND ins.me_token = ok.me ORDER BY ok.i
                RETURNING id, person_ref, day
            ), regions AS (
                INSERT INTO declaration_region (declaration_id, person_ref, region, day)
                SELECT DISTINCT declared.id, declared.person_ref, r, declared.day
                FROM declared JOIN ok ON ok.ref = declared.person_ref JOIN ins ON ins.ref = ok.ref AND ins.me_token = ok.me,
                     unnest(string_to_array(nullif(ok.regions, ''), ',')) AS r
            )
            SELECT array_agg(CASE
                WHEN item.epoch <> current_epoch THEN 'risk'
                WHEN item.key_max <> current_key THEN 'keys'
                WHEN EXISTS (SELECT 1 FROM ins WHERE ins.ref = item.ref AND ins.me_token = item.me) THEN 'inserted'
                WHEN EXISTS (SELECT 1 FROM person p WHERE p.place_id = item.place AND p.id_index = item.idx) THEN 'exists'
                ELSE 'retry' END ORDER BY item.i) INTO o_outcomes
            FROM item;
            COMMIT;
        END $$
        """,
    ]

    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.transaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger: logger)
                logger.info("postgres: migrated", metadata: ["migration": .string(migration.name)])
            }
        }
    }

    /// The names of the migrations applied (tests).
    static func applied(_ database: PostgresDatabase) async throws -> [String] {
        var names: [String] = []
        for try await name in try await database.client.query("SELECT name FROM schema_migration ORDER BY name").decode(String.self) {
            names.append(name)
        }
        return names
    }

    static let schemaV1: [String] = [
        """
        CREATE TABLE place (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            parent_id BIGINT REFERENCES place(id),
            rooms TEXT NOT NULL DEFAULT '',
            households INTEGER,
            poster_serial INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX place_parent ON place(parent_id)",
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE app_user (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            scope_place_id BIGINT REFERENCES place(id),
            password_hash TEXT,
            token_hash BYTEA NOT NULL UNIQUE,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE person (
            ref BYTEA PRIMARY KEY,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            place_id BIGINT NOT NULL REFERENCES place(id),
            id_index BYTEA NOT NULL,
            id_number_enc BYTEA NOT NULL,
            phone_enc BYTEA NOT NULL,
            name TEXT NOT NULL,
            room TEXT,
            department TEXT,
            me_token TEXT NOT NULL UNIQUE,
            review_reason TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            status_version BIGINT NOT NULL DEFAULT 0,
            color TEXT,
            reasons TEXT NOT NULL DEFAULT '[]',
            code_payload TEXT,
            code_color TEXT,
            code_version BIGINT,
            code_issued_at BIGINT,
            code_expires_at BIGINT,
            UNIQUE (place_id, id_index)
        )
        """,
        "CREATE INDEX person_id_index ON person(id_index)",
        "CREATE INDEX person_standing ON person(ref) INCLUDE (kind, status, status_version, place_id, name)",
        """
        CREATE TABLE declaration (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            person_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            day INTEGER NOT NULL,
            at BIGINT NOT NULL,
            source TEXT NOT NULL,
            temperature DOUBLE PRECISION NOT NULL,
            symptoms TEXT NOT NULL,
            visited TEXT NOT NULL,
            contact TEXT NOT NULL
        )
        """,
        "CREATE INDEX declaration_person_day ON declaration(person_ref, day)",
        "CREATE INDEX declaration_report_at ON declaration(at) WHERE source = 'report'",
        """
        CREATE TABLE declaration_region (
            declaration_id BIGINT NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,
            person_ref BYTEA NOT NULL,
            region TEXT NOT NULL,
            day INTEGER NOT NULL,
            PRIMARY KEY (declaration_id, region)
        )
        """,
        "CREATE INDEX declaration_region_region_day ON declaration_region(region, day)",
        """
        CREATE TABLE flag (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            person_ref BYTEA NOT NULL REFERENCES person(ref) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            day INTEGER NOT NULL,
            at BIGINT NOT NULL,
            by_user BIGINT REFERENCES app_user(id)
        )
        """,
        "CREATE INDEX flag_person ON flag(person_ref, id)",
        "CREATE TABLE risk_region (region TEXT PRIMARY KEY, level TEXT NOT NULL, updated_at BIGINT NOT NULL)",
        "CREATE TABLE stale_person (ref BYTEA PRIMARY KEY)",
        """
        CREATE TABLE scan (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            checkpoint_id BIGINT REFERENCES place(id),
            person_ref BYTEA,
            result TEXT NOT NULL,
            reason TEXT NOT NULL,
            at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE staff_session (
            id_hash BYTEA PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_seen BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX staff_session_expires ON staff_session(expires_at)",
        """
        CREATE TABLE login_throttle (
            account TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_start BIGINT NOT NULL,
            locked_until BIGINT
        )
        """,
        """
        CREATE TABLE audit (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            user_id BIGINT,
            user_name TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            address TEXT
        )
        """,
        "CREATE INDEX audit_at ON audit(at)",
        // The key ring (§8): each key sealed with AES-256-GCM under the master key of the
        // deployment's key file; a dump of the database alone reveals no key.
        """
        CREATE TABLE key_ring (
            id INTEGER PRIMARY KEY,
            purpose TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            sealed BYTEA NOT NULL
        )
        """,
    ]
}
