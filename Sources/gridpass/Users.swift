import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

extension UserRecord.Role: ExpressibleByArgument {}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accounts.", subcommands: [UserAdd.self])
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a user; prints its API token as the last line.",
        discussion: "Scopes: admin everything (no --scope); staff a street, community or grid; hr one enterprise; guard one checkpoint."
    )

    @Argument(help: "The user's name (also the login name).") var name: String
    @Option(help: "admin, staff, hr or guard.") var role: UserRecord.Role
    @Option(help: "The code of the place the user is limited to.") var scope: String?
    @Flag(name: .customLong("password-stdin"), help: "Read a web password (at least 8 characters) from standard input.")
    var passwordStdin = false
    @OptionGroup var data: DataOption

    func run() async throws {
        var password: String?
        if passwordStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("--password-stdin: no password on standard input")
            }
            password = line
        }
        let services = try await openServices(data)
        do {
            let (user, token) = try await AccountService(services: services).addUser(name: name, role: role, scope: scope, password: password)
            print("created \(user.role.rawValue) '\(user.name)'\(scope.map { " with scope \($0)" } ?? "")\(password == nil ? "" : " and a web password")")
            print("API token (shown once, keep it secret):")
            print(token)
        } catch let failure as AccountService.Failure {
            throw ValidationError(failure.description)
        }
    }
}
