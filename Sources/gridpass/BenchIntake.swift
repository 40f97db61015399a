import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer

/// `gridpass bench intake`: what a registration costs before it reaches the database — the JSON
/// body parsed into fields and the fields validated (`RegistrationValidator`) — single-threaded,
/// for bodies shaped like those of `scripts/wrk/registrations.lua` (a distinct valid identity
/// number each, a CJK name, a room of the demo unit's list). Prints `ns_per_body=…`.
struct BenchIntake: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake",
                                                    abstract: "Time JSON parsing and validation of registrations.")

    @Option(help: "Distinct bodies.") var count = 10_000
    @Option(help: "Minimum measuring time.") var seconds = 3.0

    func validate() throws {
        guard count >= 1, seconds >= 0 else { throw ValidationError("--count must be ≥ 1 and --seconds ≥ 0") }
    }

    func run() throws {
        let regions = try AppServices.regionTable()
        let rooms = (1...18).flatMap { floor in (1...2).map { String(format: "%d%02d", floor, $0) } }
        let bodies = (0..<count).map { Array(Self.body($0, room: rooms[$0 % rooms.count]).utf8) }
        let today = CalendarDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        func once(_ body: [UInt8]) throws -> Bool {
            let value = try JSONParser.parse(bytes: body)
            guard let fields = FieldValue.objectFields(value) else { return false }
            let result = RegistrationValidator.validate(fields, kind: .resident, rooms: rooms, regions: regions,
                                                        source: .json, today: today)
            if case .success = result { return true }
            return false
        }
        guard try bodies.allSatisfy(once) else { throw ValidationError("a generated body did not validate") }
        var done = 0
        let clock = ContinuousClock(), start = clock.now
        var elapsed = 0.0
        repeat {
            for body in bodies where try once(body) { done += 1 }
            elapsed = (clock.now - start).inSeconds
        } while elapsed < seconds
        print("bodies=\(done) seconds=\(String(format: "%.3f", elapsed)) ns_per_body=\(Int(elapsed * 1e9 / Double(done)))"
              + " body_bytes=\(bodies.reduce(0) { $0 + $1.count } / bodies.count)")
    }

    /// The body that `registrations.lua` sends for index `i` (token aside: a fixed poster token).
    static func body(_ i: Int, room: String) -> String {
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭"), given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明")
        let d = i / 1000
        let first17 = String(format: "110105%04d%02d%02d%03d", 1930 + (d / 336) % 91, (d / 28) % 12 + 1, d % 28 + 1, i % 1000)
        let id = first17 + String(IdentityNumber.checkCharacter(of: first17)!)
        let name = String([surnames[i % 16], given[(i / 16) % 16], given[(i / 256) % 16]])
        return #"{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","name":"\#(name)","id_number":"\#(id)","phone":"139\#(String(format: "%08d", i % 100_000_000))","room":"\#(room)","temperature":36.6,"symptoms":[],"visited":[],"contact":"none","consent":true}"#
    }
}
