/// One health declaration of a person: the registration (the first) or a daily report.
public struct Declaration: Sendable, Equatable {
    /// The day it was made (China time).
    public var day: Day
    /// °C.
    public var temperature: Double
    /// Symptom codes (`fever`, `cough`, `fatigue`, `sore_throat`, `loss_of_taste`, `shortness_of_breath`).
    public var symptoms: [String]
    /// 6-digit administrative region codes visited in the 14 days before the declaration.
    public var visited: [String]
    /// `none`, `secondary` or `close`.
    public var contact: String

    public init(day: Day, temperature: Double, symptoms: [String] = [], visited: [String] = [], contact: String = "none") {
        self.day = day
        self.temperature = temperature
        self.symptoms = symptoms
        self.visited = visited
        self.contact = contact
    }
}

/// A flag that staff set on a person (CONTRACT §5).
public enum StaffFlagKind: String, Sendable, CaseIterable, Codable {
    case confirmed
    case suspected
    case closeContact = "close_contact"
    /// Closes every flag set before it.
    case cleared
}

public struct StaffFlag: Sendable, Equatable {
    public var kind: StaffFlagKind
    /// The day it was set (China time).
    public var day: Day

    public init(_ kind: StaffFlagKind, day: Day) {
        self.kind = kind
        self.day = day
    }
}

/// The risk level of a region on the current risk list. Regions not on the list have none.
public enum RiskLevel: String, Sendable, CaseIterable, Codable {
    case high
    case medium
}
