import GRDB
import GridPassCore

/// The SQLite implementations of every repository on one database, sharing one group-commit
/// writer so that concurrent writes of any kind are committed together, the hot-path
/// read-only connections (`HotReaders`) and the scans' cache of standings (`StandingCache`).
public struct SQLiteStore: Sendable {
    public let places: SQLitePlaceRepository
    public let people: SQLitePersonRepository
    public let users: SQLiteUserRepository
    public let health: SQLiteHealthRepository

    public init(_ db: DatabasePool, keyRing: KeyRing) throws {
        let changes = try ChangeCounter(path: DataDirectory.changesPath(of: db.path))
        let writer = GroupCommit(db, changes: changes)
        let hot = try HotReaders(path: db.path, count: 4)
        places = SQLitePlaceRepository(db, hot: hot, changes: try ChangeCounter(path: DataDirectory.changesPath(of: db.path), slot: .posters))
        people = SQLitePersonRepository(db, writer: writer, keyRing: keyRing)
        users = SQLiteUserRepository(db)
        health = SQLiteHealthRepository(db, writer: writer, hot: hot, standings: StandingCache(changes: changes))
    }
}
