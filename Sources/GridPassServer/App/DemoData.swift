import GridPassCore
import GridPassResources

/// The demo street of `serve --demo`: 平山区 › 东明街道 with 东进社区 (3 278 households in five
/// grids) and 合峰社区, enterprises and checkpoints. Loading it again updates, never duplicates.
public enum DemoData {
    public static let streetCode = "PS-DM"

    public static func load(into places: any PlaceRepository) async throws -> PlaceImportSummary {
        try await places.importPlaces(csv: try GridPassResources.text("demo/places.csv"))
    }
}
