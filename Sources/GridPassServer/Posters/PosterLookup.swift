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
        if case .failure(.unknownKey) = result {  // a key rotated by a CLI command a moment ago
            result = PosterToken.verify(token, keys: keys.keys(refresh: true))
        }
        guard case .success(let poster) = result,
              let path = try await services.places.path(placeID: Int64(poster.placeID)),
              path.place.kind == poster.kind
        else { return .unknown }
        let place = path.place
        if Int(poster.serial) == place.posterSerial { return .door(path) }
        if Int(poster.serial) < place.posterSerial { return .replaced(path) }
        return .unknown
    }
}
