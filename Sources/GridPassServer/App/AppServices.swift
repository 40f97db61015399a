import GRDB
import GridPassCore
import GridPassResources
import GridPassStore

/// The opened data directory: repositories, key ring and templates, shared by the server and
/// the CLI commands so that both do the same thing the same way.
public struct AppServices: Sendable {
    public let data: DataDirectory
    public let places: any PlaceRepository
    public let settings: any SettingsRepository
    public let people: any PersonRepository
    public let users: any UserRepository
    public let keyRing: KeyRing
    public let regions: RegionTable
    let pages: Pages

    /// Opens (creating on first use) the data directory at `path`.
    public static func open(dataDirectory path: String) async throws -> AppServices {
        let data = try DataDirectory(path: path)
        let db = try data.openDatabase()
        let repo = SQLitePlaceRepository(db)
        let keyRing = try data.openKeyRing()
        return AppServices(data: data, places: repo, settings: repo, people: SQLitePersonRepository(db, keyRing: keyRing),
                           users: SQLiteUserRepository(db), keyRing: keyRing,
                           regions: try RegionTable(csv: GridPassResources.text("regions/regions.csv")),
                           pages: try await Pages.load())
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
}
