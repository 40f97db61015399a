import ArgumentParser
import GridPassCore
import GridPassServer
import Foundation

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data.", subcommands: [ImportPlaces.self])
}

struct ImportPlaces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "places",
        abstract: "Import places from a CSV (kind,code,name,parent,rooms,households): all rows or none."
    )

    @Argument(help: "The CSV file.") var file: String
    @OptionGroup var data: DataOption

    func run() async throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(file) as UTF-8 text")
        }
        let services = try await openServices(data)
        do {
            let summary = try await services.places.importPlaces(csv: text)
            print("imported \(file): \(summary.inserted) new, \(summary.updated) updated")
        } catch let failure as PlaceImport.Failure {
            printError("nothing was imported; \(file) has \(failure.errors.count) error(s):")
            for error in failure.errors { printError("\(file): \(error)") }
            throw ExitCode(1)
        }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
