import GridPassCore

/// What a scanned poster token leads to.
enum PosterLookup: Sendable {
    /// The poster in force for this place.
    case door(PlacePath)
    /// A genuine poster of this place that has since been replaced (`poster rotate`).
    case replaced(PlacePath)
    /// Malformed, tampered, signed with an unknown key, or naming no place.
    case unknown

    static func resolve(_ token: String, services: AppServices) async throws -> PosterLookup {
        let keys = services.keyRing
        var result = PosterToken.verify(token, keys: keys.keys())
        if case .failure(.unknownKey) = result {  // a key rotated by a CLI command (or another node) a moment ago
            try await keys.refreshForSigning()
            result = PosterToken.verify(token, keys: keys.keys(refresh: true))
        }
        // The path may be a few seconds old (PlaceCache); the serial is read fresh, so a poster
        // rotated a moment ago, by this process or a CLI command, is already `.replaced`.
        guard case .success(let poster) = result,
              let cached = try await services.placeCache.place(id: Int64(poster.placeID)),
              cached.path.place.kind == poster.kind,
              let serial = try await services.places.posterSerial(placeID: Int64(poster.placeID))
        else { return .unknown }
        var place = cached.path.place
        place.posterSerial = serial
        let path = PlacePath(ancestors: cached.path.ancestors, place: place)
        if Int(poster.serial) == serial { return .door(path) }
        if Int(poster.serial) < serial { return .replaced(path) }
        return .unknown
    }
}
