/// How many people share one kind, status and colour.
public struct PeopleCount: Sendable, Equatable {
    public var kind: PersonKind
    public var status: PersonRecord.Status
    /// Nil while the person has no colour yet (a worker awaiting review).
    public var color: HealthColor?
    public var count: Int

    public init(kind: PersonKind, status: PersonRecord.Status, color: HealthColor?, count: Int) {
        self.kind = kind
        self.status = status
        self.color = color
        self.count = count
    }
}

/// Figures over the whole store for the operations endpoint (`GET /metrics`), computed when
/// asked so that they are never stale.
public protocol StatsRepository: Sendable {
    /// Everyone registered, counted by kind, status and colour (only the combinations that occur).
    func peopleCounts() async throws -> [PeopleCount]
}
