import Foundation

/// Decodes QR codes in an image file with the real `zbarimg` (zbar-tools).
public enum ZBar {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "zbarimg is not installed: run scripts/setup (apt-get install zbar-tools)" }
    }

    public static func decode(_ file: URL) throws -> [String] {
        let candidates = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw Missing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    public static func decode(png: [UInt8]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zbar-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try decode(file)
    }
}
