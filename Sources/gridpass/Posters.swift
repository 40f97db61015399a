import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

extension PosterService.Format: ExpressibleByArgument {}

struct Posters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the signed posters of a door, or of every door below a street, community, grid or building."
    )

    @Option(help: "The place code.") var place: String
    @Option(help: "png (bare QR), svg (labelled A4 poster) or html (printable sheet, one A4 page per poster).")
    var format: PosterService.Format = .png
    @Option(name: .customLong("public-url"), help: "Base URL of the server (default: the one it last ran with).")
    var publicURL: String?
    @Option(help: "Output folder.") var out: String
    @Option(help: "PNG resolution.") var dpi = 300
    @Option(name: .customLong("size-mm"), help: "PNG printed size in millimetres.") var sizeMM = 50.0
    @OptionGroup var data: DataOption

    func validate() throws {
        guard (72...2400).contains(dpi) else { throw ValidationError("--dpi must be from 72 to 2400") }
        guard (10...500).contains(sizeMM) else { throw ValidationError("--size-mm must be from 10 to 500") }
    }

    func run() async throws {
        let services = try await openServices(data)
        let service = PosterService(services: services)
        let url = try await services.publicURL(override: publicURL)
        do {
            let (title, posters) = try await service.posters(for: place, publicURL: url)
            let files = try service.write(posters, format: format, to: URL(fileURLWithPath: out), title: title,
                                          dpi: dpi, sizeMM: sizeMM)
            print("wrote \(files.count) file(s) for \(posters.count) poster(s) to \(out) (public URL \(url))")
        } catch let failure as PosterService.Failure {
            throw ValidationError(failure.description)
        }
    }
}

struct Poster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage one poster.", subcommands: [PosterRotate.self])
}

struct PosterRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the poster of a door: the old one answers 410 from now on."
    )

    @Argument(help: "The place code of the door.") var code: String
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        do {
            let place = try await services.places.rotatePoster(code: code)
            print("poster of \(code) replaced: serial \(place.posterSerial) is now in force; print it again with `gridpass posters --place \(code)`")
        } catch let error as RepositoryError {
            throw ValidationError(error.description)
        }
    }
}
