import ArgumentParser
import Foundation
import GridPassServer
import GridPassStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the data directory, key ring included, sealed with the key of --key-file; the server may keep running.",
        discussion: "The key file holds 32 bytes of base64 and is created (0600) when missing: keep it apart from the backups."
    )
    @Option(help: "The backup file to write (0600).") var out: String
    @Option(name: .customLong("key-file"), help: "The file of the key that seals the backup.") var keyFile: String
    @OptionGroup var data: DataOption

    func run() async throws {
        do {
            switch try data.store() {
            case .sqlite(let path):
                let size = try Backup.write(try DataDirectory(path: path), to: out, keyFile: keyFile)
                print("backup of \(path) written to \(out) (\(size) bytes, sealed with \(keyFile))")
            case .postgres(let url, let masterKeyFile):
                let size = try await PostgresBackup.write(url: url, masterKeyFile: masterKeyFile, to: out, keyFile: keyFile)
                print("backup of the PostgreSQL database written to \(out) (\(size) bytes, sealed with \(keyFile)); "
                      + "`gridpass restore` gives a data directory, `gridpass migrate` takes it into a new database")
            }
        } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a backup into a new, empty data directory.")
    @Argument(help: "The backup file.") var file: String
    @Option(name: .customLong("key-file"), help: "The file of the key the backup was sealed with.") var keyFile: String
    @Option(help: "The new data directory (must not exist, or be empty).") var data: String

    func run() async throws {
        do {
            try Backup.restore(file, keyFile: keyFile, into: data)
            print("restored \(file) into \(data)")
        } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
    }
}
