import Foundation
import GridPassCore

/// Signs the posters of a place and everything below it, and writes them as files.
public struct PosterService: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case png, svg, html
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let services: AppServices

    public init(services: AppServices) { self.services = services }

    /// The posters in force for `code` (a door, or every door below a street, community, grid or
    /// building), with the full name of that place as the title of the batch.
    public func posters(for code: String, publicURL: String) async throws -> (title: String, posters: [PosterSpec]) {
        guard let root = try await services.places.place(code: code) else {
            throw Failure(description: "no place has the code '\(code)'")
        }
        let doors = try await services.places.doors(under: root)
        guard !doors.isEmpty else { throw Failure(description: "'\(code)' (\(root.kind.rawValue)) has no door that gets a poster") }
        try await services.keyRing.refreshForSigning()
        guard let key = services.keyRing.keys(refresh: true).current(.posterTokens) else { throw Failure(description: "the key ring has no poster key") }
        let title = try await services.places.path(of: root).fullName
        return (title, try doors.map { path in
            let token = try PosterToken.sign(kind: path.place.kind, placeID: UInt32(path.place.id),
                                             serial: UInt16(path.place.posterSerial), with: key)
            return PosterSpec(path: path, url: PosterURL.make(publicURL: publicURL, token: token))
        })
    }

    /// Writes `CODE.png` / `CODE.svg` per door, or one `posters.html`; returns the files written.
    public func write(_ posters: [PosterSpec], format: Format, to directory: URL, title: String,
                      dpi: Int = 300, sizeMM: Double = 50) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch format {
        case .html:
            let file = directory.appendingPathComponent("posters.html")
            try Data(try PosterRenderer.html(posters, title: title).utf8).write(to: file, options: .atomic)
            return [file]
        case .png, .svg:
            return try posters.map { poster in
                let file = directory.appendingPathComponent("\(poster.code).\(format.rawValue)")
                let data = format == .png ? Data(try PosterRenderer.png(poster.url, dpi: dpi, sizeMM: sizeMM))
                                          : Data(try PosterRenderer.svg(poster).utf8)
                try data.write(to: file, options: .atomic)
                return file
            }
        }
    }
}
