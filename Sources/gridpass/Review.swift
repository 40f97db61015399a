import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review pending workers (as the operator of the data directory).",
        subcommands: [ReviewList.self, ReviewApprove.self, ReviewReject.self]
    )
}

struct ReviewList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pending workers.")
    @Option(help: "Only this enterprise (place code).") var enterprise: String?
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        var enterpriseID: Int64?
        if let enterprise {
            guard let place = try await services.places.place(code: enterprise), place.kind == .enterprise else {
                throw ValidationError("--enterprise: no enterprise has the code '\(enterprise)'")
            }
            enterpriseID = place.id
        }
        let pending = try await services.people.pendingWorkers(enterpriseID: enterpriseID)
        print("person_id\tname\tenterprise\tdepartment\tregistered")
        for person in pending {
            let place = try await services.places.place(id: person.placeID)
            let when = Date(timeIntervalSince1970: TimeInterval(person.createdAt)).formatted(.iso8601)
            print("\(person.id)\t\(NameMask.mask(person.name))\t\(place?.code ?? "?")\t\(person.department ?? "")\t\(when)")
        }
        print("\(pending.count) pending")
    }
}

struct ReviewApprove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a pending worker.")
    @Argument(help: "The person_id.") var personID: String
    @OptionGroup var data: DataOption

    func run() async throws { try await reviewWorker(personID, approve: true, reason: nil, data: data) }
}

struct ReviewReject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a pending worker.")
    @Argument(help: "The person_id.") var personID: String
    @Option(help: "Why (shown to the worker).") var reason: String?
    @OptionGroup var data: DataOption

    func run() async throws { try await reviewWorker(personID, approve: false, reason: reason, data: data) }
}

func reviewWorker(_ personID: String, approve: Bool, reason: String?, data: DataOption) async throws {
    let services = try await openServices(data)
    do {
        let person = try await services.people.review(personID: personID, approve: approve, reason: reason,
                                                      now: Int64(Date().timeIntervalSince1970))
        print("\(person.id) is now \(person.status.rawValue)")
    } catch let error as RepositoryError {
        throw ValidationError(error.description)
    }
}
