import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

extension KeyPurpose: ExpressibleByArgument {}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The key ring.", subcommands: [KeysList.self, KeysRotate.self])
}

struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys (never their secrets).")
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        print("id\tpurpose\tcreated\tstate")
        for key in services.keyRing.list() {
            let created = Date(timeIntervalSince1970: TimeInterval(key.createdAt)).formatted(.iso8601)
            print("\(key.id)\t\(key.purpose.rawValue)\t\(created)\t\(key.current ? "signing" : "verify only")")
        }
    }
}

struct KeysRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Start signing with a new key (old keys stay for verification)."
    )
    @Option(help: "poster-tokens, health-codes or data-encryption (default: all).") var purpose: [KeyPurpose] = []
    @OptionGroup var data: DataOption

    func run() async throws {
        let services = try await openServices(data)
        let purposes = purpose.isEmpty ? KeyPurpose.allCases : purpose
        for (id, purpose) in zip(try await services.keyRing.rotateKeys(purposes), purposes) {
            print("new key \(id) signs \(purpose.rawValue) from now on")
        }
    }
}
