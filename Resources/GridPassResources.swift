import Foundation

/// Locates the files shipped under `Resources/` (templates, rules, region table, demo street).
public enum GridPassResources {
    public static var bundle: Bundle { Bundle.module }

    /// The URL of a shipped file, e.g. `url("demo/places.csv")`.
    public static func url(_ relativePath: String) -> URL? {
        bundle.resourceURL?.appendingPathComponent(relativePath)
    }

    public static func text(_ relativePath: String) throws -> String {
        guard let url = url(relativePath) else { throw CocoaError(.fileNoSuchFile) }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
