/// The health part of a registration, and on its own the daily report (CONTRACT §4–5):
/// temperature, symptoms, visited regions and contact.
public struct HealthDeclaration: Sendable, Equatable {
    public var temperature: Double
    public var symptoms: [Symptom]
    /// Six-digit region codes, each once, in the order given.
    public var visited: [String]
    public var contact: Contact

    public init(temperature: Double, symptoms: [Symptom], visited: [String], contact: Contact) {
        self.temperature = temperature
        self.symptoms = symptoms
        self.visited = visited
        self.contact = contact
    }

    /// The fields of a daily report, in the order errors are listed.
    public static let fields = [Temperature.field, Symptom.field, VisitedRegions.field, Contact.field]

    /// Validates a daily report; every bad field at once, unknown fields included.
    public static func validate(_ fields: [String: FieldValue], regions: RegionTable,
                                source: InputSource) -> Result<HealthDeclaration, FieldErrors> {
        var collector = FieldCollector(fields, source: source)
        let declaration = read(&collector, regions: regions)
        collector.rejectUnasked(form: (en: "daily report", zh: "每日健康申报"))
        return collector.result { declaration }
    }

    /// Reads the four fields into `collector` (shared with the registration).
    static func read(_ collector: inout FieldCollector, regions: RegionTable) -> HealthDeclaration? {
        let source = collector.source
        let temperature = collector.take(Temperature.field) { Temperature.read($0, source: source) }
        let symptoms = collector.takeList(Symptom.field, Symptom.parseList)
        let visited = collector.takeList(VisitedRegions.field) { VisitedRegions.parse($0, regions: regions) }
        let contact = collector.takeText(Contact.field, Contact.parse)
        guard let temperature, let symptoms, let visited, let contact else { return nil }
        return HealthDeclaration(temperature: temperature, symptoms: symptoms, visited: visited, contact: contact)
    }
}
