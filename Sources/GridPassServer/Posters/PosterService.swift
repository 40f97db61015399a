import Foundation
import Synchronization
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
    /// Writes a file without fsync: Foundation's `Data.write` syncs every file (7 of 8 seconds of a
    /// 10 000-door street went to it), and a poster file is made again by running the command again.
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            done += n
        }
    }

    public func write(_ posters: [PosterSpec], format: Format, to directory: URL, title: String,
                      dpi: Int = 300, sizeMM: Double = 50) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch format {
        case .html:
            let file = directory.appendingPathComponent("posters.html")
            try Data(try PosterRenderer.html(posters, title: title).utf8).write(to: file, options: .atomic)
            return [file]
        case .png, .svg:
            // Every core draws posters; one thread writes the files (threads creating files in one
            // directory at once only wait on its lock: ext4 spent more time spinning than writing).
            let files = posters.map { directory.appendingPathComponent("\($0.code).\(format.rawValue)") }
            let drawn = Mutex<[Int: Result<[UInt8], any Swift.Error>]>([:])
            DispatchQueue.concurrentPerform(iterations: posters.count) { i in
                let bytes = Result { format == .png ? try PosterRenderer.png(posters[i].url, dpi: dpi, sizeMM: sizeMM)
                                                    : Array(try PosterRenderer.svg(posters[i]).utf8) }
                drawn.withLock { $0[i] = bytes }
            }
            let all = drawn.withLock { $0 }
            for i in posters.indices { try Self.writeFile(try all[i]!.get(), to: files[i].path) }
            return files
        }
    }
}
