import Foundation
@testable import GridPassCore

/// Shared inputs of the intake tests.
enum IntakeFixtures {
    static let today = CalendarDate(year: 2025, month: 6, day: 1)!

    /// A few real divisions, enough for the validators.
    static let smallCSV = """
        code,name,parent
        110000,北京市,
        110100,北京市,110000
        110105,朝阳区,110100
        310000,上海市,
        310100,上海市,310000
        310101,黄浦区,310100
        420000,湖北省,
        420100,武汉市,420000
        420106,武昌区,420100
        429004,仙桃市,420000
        220000,吉林省,
        220100,长春市,220000
        220104,朝阳区,220100
        """

    static let regions: RegionTable = try! RegionTable(csv: smallCSV)

    /// The shipped table, read from `Resources/regions/regions.csv` of the repository.
    static func shippedCSV() throws -> String {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Resources/regions/regions.csv")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The error of a failed result (nil when it succeeded).
    static func error<T>(_ result: Result<T, FieldError>) -> FieldError? {
        if case .failure(let e) = result { return e }
        return nil
    }

    static func value<T>(_ result: Result<T, FieldError>) -> T? {
        try? result.get()
    }
}
