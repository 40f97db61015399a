import Foundation

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?host=/socket/dir]` (CONTRACT §8), as libpq
/// reads it: a `host` query parameter that starts with `/` is the directory of a Unix socket
/// (`.s.PGSQL.PORT` in it) and wins over the host of the authority. `connections=N` (1-500,
/// default 20) bounds the node's pool of connections.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public var username: String
    public var password: String?
    public var database: String
    public var endpoint: Endpoint
    /// The most connections a node or command opens to the server.
    public var connections = 20

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURLError("the database URL must start with postgres:// (e.g. postgres://gridpass@localhost:5432/gridpass)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresURLError("the database URL names no user (postgres://USER@HOST/DB)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else {
            throw PostgresURLError("the database URL names no database (postgres://USER@HOST/DB)")
        }
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        database = path.removingPercentEncoding ?? path
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw PostgresURLError("the database URL's port must be 1-65535") }
        if let text = components.queryItems?.first(where: { $0.name == "connections" })?.value {
            guard let n = Int(text), (1...500).contains(n) else { throw PostgresURLError("the database URL's connections must be 1-500") }
            connections = n
        }
        if let socketDirectory = components.queryItems?.first(where: { $0.name == "host" })?.value, socketDirectory.hasPrefix("/") {
            endpoint = .socket(path: socketDirectory + "/.s.PGSQL.\(port)")
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw PostgresURLError("the database URL names no host (postgres://USER@HOST/DB)")
            }
            endpoint = .tcp(host: host, port: port)
        }
    }

    /// The same server and user with another database (tests make one of their own).
    public func with(database: String) -> PostgresURL {
        var url = self
        url.database = database
        return url
    }

    /// `?connections=N` when not the default.
    var poolQuery: String { connections == 20 ? "" : "connections=\(connections)" }

    /// The URL as given to `--database` (with its password).
    public var text: String {
        let user = (username.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? username)
            + (password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0) } ?? "")
        switch endpoint {
        case .tcp(let host, let port): return "postgres://\(user)@\(host):\(port)/\(database)" + (poolQuery.isEmpty ? "" : "?" + poolQuery)
        case .socket(let path):
            return "postgres://\(user)@localhost/\(database)?host=\((path as NSString).deletingLastPathComponent)" + (poolQuery.isEmpty ? "" : "&" + poolQuery)
        }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(username)@\(host):\(port)/\(database)"
        case .socket(let path): "postgres://\(username)@localhost/\(database)?host=\((path as NSString).deletingLastPathComponent)"
        }
    }
}

public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
