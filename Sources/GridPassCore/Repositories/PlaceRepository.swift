/// Storage of the place tree and its posters. The SQLite implementation lives in GridPassStore;
/// handlers and commands only see this protocol.
public protocol PlaceRepository: Sendable {
    /// Validates the CSV against what is stored and applies it in one transaction: all rows or none.
    func importPlaces(csv: String) async throws -> PlaceImportSummary
    func place(code: String) async throws -> Place?
    func place(id: Int64) async throws -> Place?
    /// The place with its ancestors, root first.
    func path(of place: Place) async throws -> PlacePath
    /// The place of that id with its ancestors, in one read; nil when there is none.
    func path(placeID: Int64) async throws -> PlacePath?
    /// The serial of the place's poster in force, read fresh (a rotation by another process is
    /// seen at once); nil for an unknown place.
    func posterSerial(placeID: Int64) async throws -> Int?
    /// Every door (poster) at or below `place`, in tree order, with their paths.
    func doors(under place: Place) async throws -> [PlacePath]
    func children(of place: Place?) async throws -> [Place]
    /// Gives the place a new poster serial; the old poster stops working.
    func rotatePoster(code: String) async throws -> Place
    /// The number of places stored (for summaries and tests).
    func count() async throws -> Int
}

public struct PlaceImportSummary: Sendable, Equatable {
    public var inserted: Int
    public var updated: Int
    public init(inserted: Int, updated: Int) {
        self.inserted = inserted
        self.updated = updated
    }
}

/// Small named values kept with the data (e.g. the last public URL).
public protocol SettingsRepository: Sendable {
    func setting(_ key: String) async throws -> String?
    func setSetting(_ key: String, _ value: String) async throws
}

public enum RepositoryError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let what): "not found: \(what)"
        case .invalid(let why): why
        }
    }
}
