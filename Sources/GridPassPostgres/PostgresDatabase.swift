import Foundation
import Logging
import PostgresNIO

/// A GridPass database on PostgreSQL (CONTRACT §8): a pool of connections (`PostgresClient`)
/// whose run loop this object owns, migrated to the current schema when opened. Every node and
/// CLI command of a deployment opens the same database; nothing a node needs from another lives
/// outside it.
public final class PostgresDatabase: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(_ url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        var configuration: PostgresClient.Configuration
        switch url.endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: url.username, password: url.password,
                                  database: url.database, tls: .disable)
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: url.username, password: url.password, database: url.database)
        }
        // A node that cannot reach the database answers within seconds, never hangs (§8).
        configuration.options.connectTimeout = .seconds(3)
        // The pool's own logger: warnings only past `.error` (it warns when the first query of a
        // command is queued before its run loop has started, which is harmless).
        var background = logger
        background.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects and brings the schema up to date (`PostgresMigrations`; several nodes may start
    /// at once: they take turns).
    public static func open(_ url: PostgresURL, logger: Logger = Logger(label: "gridpass.postgres")) async throws -> PostgresDatabase {
        let database = PostgresDatabase(url, logger: logger)
        do {
            try await PostgresMigrations.migrate(database)
        } catch {
            database.close()
            throw error
        }
        return database
    }

    /// Stops the pool; queries after this fail.
    public func close() {
        runner.cancel()
    }

    /// Runs `work` in one transaction on one connection; rolled back if it throws.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await work(connection) }
        } catch let error as PostgresTransactionError {
            // The caller's own error (validation, not found) rather than the wrapper.
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }

    /// Creates an empty database `name` on the server of `url` (tests: a database of their own).
    public static func createDatabase(_ name: String, on url: PostgresURL, logger: Logger = Logger(label: "gridpass.postgres")) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresURLError("a database name of letters, digits and _ only")
        }
        let admin = PostgresDatabase(url, logger: logger)
        defer { admin.close() }
        try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'"), logger: logger)
    }
}

extension PostgresDatabase {
    /// Whether `error` says that the server cannot be reached (down, restarting, the connection
    /// lost), as opposed to an error of the query itself.
    public static func isUnreachable(_ error: any Error) -> Bool {
        let unreachable: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed]
        if let error = error as? PSQLError { return unreachable.contains(error.code) }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isUnreachable) ?? false }
        }
        return false
    }
}
