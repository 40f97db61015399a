import Foundation
@testable import GridPassPostgres
import GridPassTestSupport
import Testing

@Suite("PostgreSQL: database URLs and the versioned schema")
struct PostgresDatabaseTests {
    @Test("postgres:// URLs: user, password, host, port, database, a Unix socket directory; errors name what is missing")
    func urls() throws {
        let tcp = try PostgresURL("postgres://gridpass:s%40cret@db.example:6543/city")
        #expect(tcp.username == "gridpass" && tcp.password == "s@cret" && tcp.database == "city")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(tcp.description == "postgres://gridpass@db.example:6543/city")  // no password in logs
        #expect(try PostgresURL("postgresql://u@h/d").endpoint == .tcp(host: "h", port: 5432))
        let socket = try PostgresURL("postgres://gridpass@localhost/postgres?host=/tmp/pg")
        #expect(socket.endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5432"))
        #expect(socket.with(database: "other").database == "other")
        for bad in ["mysql://u@h/d", "postgres://h/d", "postgres://u@h/", "postgres://u@h", "postgres://u@h:0/d", "not a url"] {
            #expect(throws: PostgresURLError.self, "\(bad)") { try PostgresURL(bad) }
        }
    }

    @Test("two nodes opening a new database at once migrate it once; opening again changes nothing",
          .enabled(if: TestPostgres.url != nil))
    func migrations() async throws {
        let url = try await TestPostgres.emptyDatabase()
        async let a = PostgresDatabase.open(url)
        async let b = PostgresDatabase.open(url)
        let (one, two) = try await (a, b)
        defer { one.close(); two.close() }
        #expect(try await PostgresMigrations.applied(one) == PostgresMigrations.all.map(\.name))
        let again = try await PostgresDatabase.open(url)
        defer { again.close() }
        #expect(try await PostgresMigrations.applied(again) == PostgresMigrations.all.map(\.name))
    }
}
