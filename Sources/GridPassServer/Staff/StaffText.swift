import GridPassCore

/// The staff strings of one language, with the small formatting helpers of the pages.
struct StaffText: Sendable {
    let language: Language
    let strings: [String: String]

    init(_ language: Language) {
        self.language = language
        strings = language == .en ? StaffStrings.en : StaffStrings.zh
    }

    subscript(_ key: String) -> String { strings[key] ?? key }

    /// The string `key` with `{name}` placeholders filled in.
    func fill(_ key: String, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    func kind(_ kind: PlaceKind) -> String {
        language == .en ? kind.rawValue : kind.chineseName
    }

    func color(_ color: HealthColor?) -> String {
        guard let color else { return self["no_code"] }
        return language.strings["color_" + color.rawValue] ?? color.rawValue
    }

    /// The colour in a table cell: `绿码`, `green`.
    func colorShort(_ color: HealthColor?) -> String {
        guard let color else { return self["no_code"] }
        return language == .en ? color.rawValue : self.color(color)
    }

    func status(_ status: PersonRecord.Status) -> String {
        language.strings["status_" + status.rawValue] ?? status.rawValue
    }

    func flag(_ flag: StaffFlagKind) -> String { self["flag_" + flag.rawValue] }

    func day(_ day: Day?, today: Day) -> String {
        guard let day else { return self["never"] }
        return day == today ? self["today"] : language.date(day)
    }

    /// An instant in the deployment's zone, in the page's language.
    func time(_ unix: Int64) -> String { language.time(unix) }
}
