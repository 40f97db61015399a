/// Why a rules file was refused: one sentence naming the place in the file, e.g.
/// `red.triggers[2].when: unknown condition "temp"`.
public struct RulesError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "rules: \(message)" }
}
