/// The colour of a person on a day, and why.
public struct Evaluation: Sendable, Equatable {
    public let color: HealthColor
    /// The triggers that keep `color`, newest first; empty when green (the pages show their own
    /// "no risk" text, so a green code carries no reasons).
    public let reasons: [Reason]

    public init(color: HealthColor, reasons: [Reason]) {
        self.color = color
        self.reasons = reasons
    }
}

/// One trigger that keeps the current colour.
public struct Reason: Sendable, Equatable {
    /// The trigger's machine code, e.g. `high_risk_region`, `fever`, `flag_confirmed`.
    public let code: String
    /// The level of the trigger.
    public let color: HealthColor
    /// The day of the declaration that contains it (the latest, when several do), or the day a
    /// staff flag was set.
    public let day: Day
    /// The region code, for region triggers.
    public let region: String?
    /// The symptom code for symptom triggers, the flag for flag triggers, the temperature with
    /// one decimal for temperature triggers.
    public let detail: String?
    /// Human texts, from the rules file.
    public let zh: String
    public let en: String

    public init(code: String, color: HealthColor, day: Day, region: String?, detail: String?, zh: String, en: String) {
        self.code = code
        self.color = color
        self.day = day
        self.region = region
        self.detail = detail
        self.zh = zh
        self.en = en
    }
}
