import Foundation

/// A fresh directory under the system temporary folder, for one test's data directory.
public func makeTemporaryDirectory(_ label: String = "gridpass-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
