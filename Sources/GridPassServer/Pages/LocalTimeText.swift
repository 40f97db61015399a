import GridPassCore

/// Times and dates as a person reads them: in the deployment's zone (`--time-zone`), written the
/// way the page's language writes them. The JSON API keeps UTC (`isoTime`); pages and print sheets
/// use these (CSV files write days as `YYYY-MM-DD`, local days too).
extension Language {
    /// `2026年12月8日 06:53` · `8 Dec 2026, 06:53`.
    func time(_ unix: Int64, in zone: LocalZone = .deployment) -> String {
        date(zone.day(of: unix)) + (self == .en ? ", " : " ") + clock(unix, in: zone)
    }

    /// `2026年12月8日` · `8 Dec 2026`.
    func date(_ day: Day) -> String { self == .en ? day.englishText : day.chineseText }

    /// `12/8` · `8/12`: a day on a chart's axis, where the week's dates are said above it.
    func shortDate(_ day: Day) -> String {
        let (_, m, d) = day.components
        return self == .en ? "\(d)/\(m)" : "\(m)/\(d)"
    }

    /// `06:53` in any language.
    func clock(_ unix: Int64, in zone: LocalZone = .deployment) -> String {
        let t = zone.local(unix)
        return (t.hour < 10 ? "0" : "") + String(t.hour) + ":" + (t.minute < 10 ? "0" : "") + String(t.minute)
    }
}
