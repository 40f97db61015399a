/// The storage backends a suite runs on: SQLite always; PostgreSQL when
/// GRIDPASS_TEST_DATABASE_URL names a server (scripts/test starts a throw-away cluster and sets
/// it, so the store and HTTP suites run on both there and in CI).
public enum Backend: String, Sendable, CaseIterable {
    case sqlite, postgres

    public static var all: [Backend] { TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres] }
}
