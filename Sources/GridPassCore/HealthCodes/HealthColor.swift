/// The colour of a health code (CONTRACT §5). Ordered by severity: green < yellow < red.
public enum HealthColor: String, Codable, Sendable, CaseIterable, Comparable {
    case green, yellow, red

    /// 0 for green, 1 for yellow, 2 for red.
    public var severity: Int {
        switch self {
        case .green: 0
        case .yellow: 1
        case .red: 2
        }
    }

    public static func < (lhs: HealthColor, rhs: HealthColor) -> Bool { lhs.severity < rhs.severity }

    /// The byte that stands for the colour in a GP1 payload.
    var wireValue: UInt8 { UInt8(severity + 1) }

    init?(wireValue: UInt8) {
        guard let color = Self.allCases.first(where: { $0.wireValue == wireValue }) else { return nil }
        self = color
    }
}
