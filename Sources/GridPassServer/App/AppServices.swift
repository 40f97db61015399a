import Foundation
import GRDB
import GridPassCore
import GridPassPostgres
import GridPassResources
import GridPassStore

/// The opened store — an SQLite data directory or a PostgreSQL database (CONTRACT §8) — with its
/// repositories, key ring and templates, shared by the server and the CLI commands so that both
/// do the same thing the same way. Handlers see only the repository protocols.
public struct AppServices: Sendable {
    /// The SQLite data directory; nil on PostgreSQL.
    public let data: DataDirectory?
    public let places: any PlaceRepository
    public let settings: any SettingsRepository
    public let people: any PersonRepository
    public let users: any UserRepository
    public let health: any HealthRepository
    /// Staff sessions, sign-in throttles, the audit log and the staff pages' lists.
    public let staff: any StaffRepository
    /// Notices, problem reports, visitors (the grid's channel, CONTRACT §10).
    public let channel: any ChannelRepository
    public let keyRing: any KeyRingStore
    public let regions: RegionTable
    /// The rules that colour codes: the server's `--rules` file, remembered in the data
    /// directory so that CLI commands colour codes the same way; else the shipped defaults.
    public let rules: Rules
    let pages: Pages
    /// Figures over the whole store, for `GET /metrics`.
    public let stats: any StatsRepository
    /// This opening's own Prometheus registry (requests, registrations, verifications).
    let metrics = Metrics()
    /// Places by id with their paths, for poster and checkpoint scans.
    let placeCache: PlaceCache

    /// Which rules to use when opening a data directory.
    public enum RulesChoice: Sendable {
        /// What the server last ran with (CLI commands).
        case remembered
        /// The server's `--rules` file, or the defaults when nil; remembered for later commands.
        case serve(file: String?)
    }

    /// Where the data lives (CONTRACT §8).
    public enum Store: Sendable {
        /// The SQLite data directory at the path (the default).
        case sqlite(dataDirectory: String)
        /// A PostgreSQL database (`postgres://…`), its key ring sealed under the master key file.
        case postgres(url: String, masterKeyFile: String)
    }

    /// Opens the store: a data directory (created on first use) or a PostgreSQL database
    /// (migrated on first use). Not optimized, like `open(dataDirectory:rules:)`: the Swift 6.3.1
    /// release build crashes on these two start-up functions (signal 11 in LLVM's coroutine
    /// splitting, `emitSetAndGetSwiftErrorValueAround`); they run once a process.
    @_optimize(none)
    public static func open(_ store: Store, rules choice: RulesChoice = .remembered) async throws -> AppServices {
        switch store {
        case .sqlite(let path):
            return try await open(dataDirectory: path, rules: choice)
        case .postgres(let text, let masterKeyFile):
            let database = try await PostgresDatabase.open(try PostgresURL(text))
            let keyRing = try await PostgresKeyRing.open(database, masterKeyFile: masterKeyFile)
            let places = PostgresPlaceRepository(database), health = PostgresHealthRepository(database)
            let rules = try await loadRules(choice, settings: places, health: health)
            return AppServices(data: nil, places: places, settings: places, people: PostgresPersonRepository(database, keys: keyRing),
                               users: PostgresUserRepository(database), health: health, staff: PostgresStaffRepository(database),
                               channel: PostgresChannelRepository(database), keyRing: keyRing, regions: try regionTable(), rules: rules, pages: try await Pages.load(),
                               stats: PostgresStats(database), placeCache: PlaceCache(places: places))
        }
    }

    /// Opens (creating on first use) the data directory at `path`.
    @_optimize(none)  // see open(_:rules:)
    public static func open(dataDirectory path: String, rules choice: RulesChoice = .remembered) async throws -> AppServices {
        let data = try DataDirectory(path: path)
        let db = try data.openDatabase()
        let keyRing = try data.openKeyRing()
        let store = try SQLiteStore(db, keyRing: keyRing)
        let rules = try await loadRules(choice, settings: store.places, health: store.health)
        let regions = try regionTable()
        return AppServices(data: data, places: store.places, settings: store.places, people: store.people,
                           users: store.users, health: store.health, staff: SQLiteStaffRepository(db),
                           channel: SQLiteChannelRepository(db), keyRing: keyRing,
                           regions: regions,
                           rules: rules, pages: try await Pages.load(), stats: SQLiteStats(db),
                           placeCache: PlaceCache(places: store.places))
    }

    /// The table of administrative regions shipped under `Resources/regions`.
    public static func regionTable() throws -> RegionTable {
        try RegionTable(csv: GridPassResources.text("regions/regions.csv"))
    }

    /// The code lifetime the server last ran with (CLI commands sign codes the same way).
    public func codeTTL() async throws -> Int {
        try await settings.setting(SettingKey.codeTTL).flatMap(Int.init) ?? 86_400
    }

    /// The time zone the server last ran with (`--time-zone`), when it is known here: CLI
    /// commands count days and weeks the way the server does.
    public func rememberedTimeZone() async throws -> LocalZone? {
        try await settings.setting(SettingKey.timeZone).flatMap(LocalZone.init(identifier:))
    }

    /// The rules of `choice`. Rules given to `serve` that differ from the ones remembered are
    /// adopted with `HealthRepository.adoptRules`: in the transaction that remembers them,
    /// everyone is marked stale, so that no code signed under the old rules passes until its
    /// person has been recomputed under the new ones (the server's background pass, or the
    /// person's page).
    static func loadRules(_ choice: RulesChoice, settings: any SettingsRepository, health: any HealthRepository) async throws -> Rules {
        let defaults = try GridPassResources.text("rules/default-rules.json")
        var text = defaults
        switch choice {
        case .remembered:
            if let stored = try await settings.setting(SettingKey.rules) { text = stored }
        case .serve(let file):
            if let file {
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw RulesError("cannot read \(file) as UTF-8 text")
                }
            }
            _ = try Rules(json: text)  // never remember rules that do not parse
            _ = try await health.adoptRules(text, key: SettingKey.rules, defaults: defaults)
        }
        return try Rules(json: text)
    }

    /// The public URL posters point to: the given one, else the one the server last ran with,
    /// else the default of CONTRACT §3.
    public func publicURL(override: String?) async throws -> String {
        var url = "http://127.0.0.1:8080"
        if let override {
            url = override
        } else if let stored = try await settings.setting(SettingKey.publicURL) {
            url = stored
        }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

enum SettingKey {
    static let publicURL = "public_url"
    static let rules = "rules"
    static let codeTTL = "code_ttl"
    static let timeZone = "time_zone"
}
