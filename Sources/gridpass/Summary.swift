import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

struct Summary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Summaries of the grid's channel.", subcommands: [SummaryWeekly.self])
}

struct SummaryWeekly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weekly",
        abstract: "The Monday summary of a community or street: problem reports, notices and read rates, coverage per grid.",
        discussion: "Counts what was created in the ISO week at or below the place (China time); coverage as of the week's end."
    )
    @Option(help: "The place's code (a street or a community, or any node).") var place: String
    @Option(help: "The ISO week, YYYY-Www (default: the current week).") var week: String?
    @Option(help: "html (printable, A4), csv or json.") var format: String = "html"
    @Option(help: "Where to write it.") var out: String
    @OptionGroup var data: DataOption
    @OptionGroup var zone: ZoneOption

    func run() async throws {
        guard let format = WeeklySummaryExport.Format(rawValue: format) else { throw ValidationError("--format must be html, csv or json") }
        let services = try await openServices(data)
        if let given = try zone.given { LocalZone.use(given) }
        let text: String
        do { text = try await WeeklySummaryExport.render(services, place: place, week: week, format: format) } catch let failure as WeeklySummaryExport.Failure {
            throw ValidationError(failure.description)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        print("summary: \(out)")
    }
}
