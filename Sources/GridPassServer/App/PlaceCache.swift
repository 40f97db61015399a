import GridPassCore

/// Places with their ancestors and full names, kept for a few seconds: every poster scan and
/// every checkpoint scan needs one, and they change only by imports (a renamed place or a new
/// room list shows within `ttl`). Poster serials are never taken from here:
/// `PlaceRepository.posterSerial` reads them fresh, so a rotated poster stops at once.
final class PlaceCache: Sendable {
    struct Entry: Sendable {
        let path: PlacePath
        /// `path.fullName`, computed once.
        let fullName: String
    }

    private let places: any PlaceRepository
    private let entries: TTLCache<Int64, Entry>

    init(places: any PlaceRepository, ttl: Duration = .seconds(5)) {
        self.places = places
        self.entries = TTLCache(ttl: ttl)
    }

    /// The place of that id with its ancestors, or nil when there is none.
    func place(id: Int64) async throws -> Entry? {
        try await entries.value(for: id) {
            try await places.path(placeID: id).map { Entry(path: $0, fullName: $0.fullName) }
        }
    }
}
