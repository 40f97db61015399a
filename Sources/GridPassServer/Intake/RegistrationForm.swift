import GridPassCore
import Hummingbird

/// The resident and worker forms (`GET /r/TOKEN`), shown again with the values kept and the
/// messages beside their fields after a bad submission.
enum RegistrationForm {
    static let symptoms = ["fever", "cough", "fatigue", "sore_throat", "loss_of_taste", "shortness_of_breath"]
    static let contacts = ["none", "secondary", "close"]

    static func render(_ door: PlacePath, kind: PersonKind, action: String, submitted: [String: FieldValue] = [:],
                       errors: FieldErrors? = nil, language: Language, pages: Pages, assisted: [String: String]? = nil) throws -> Response {
        let t = language.strings
        let text: (String) -> String = { submitted[$0].map(Self.text) ?? "" }
        let chosen = Set(Self.list(submitted["symptoms"]))
        var messages: [String: String] = [:]
        let known = Set(RegistrationValidator.fields(for: kind))
        for error in errors?.errors ?? [] {
            let field = known.contains(error.field) ? error.field : "other"
            let message = error.message(in: language)
            messages[field] = messages[field].map { $0 + " " + message } ?? message
        }
        let contact = text("contact")
        var values: [String: Any] = [
            "title": t[kind == .resident ? "form_resident" : "form_worker"]!,
            "fullName": door.fullName, "action": action,
            "isResident": kind == .resident, "isWorker": kind == .worker,
            "hasRooms": !door.place.rooms.isEmpty,
            "rooms": door.place.rooms.map { ["room": $0, "selected": $0 == text("room")] as [String: Any] },
            "v": ["name": text("name"), "id_number": text("id_number"), "phone": text("phone"), "room": text("room"),
                  "department": text("department"), "temperature": text("temperature"),
                  "visited": Self.list(submitted["visited"]).joined(separator: ", "),
                  "consent": !text("consent").isEmpty] as [String: Any],
            "symptoms": symptoms.map { ["code": $0, "label": t[$0] ?? $0, "checked": chosen.contains($0)] as [String: Any] },
            "contacts": contacts.map { ["value": $0, "label": t["contact_" + $0] ?? $0, "checked": $0 == contact] as [String: Any] },
            "errors": messages, "hasErrors": !messages.isEmpty,
        ]
        // A grid worker registering someone on their behalf (the staff form): a banner, the form's CSRF token.
        if let assisted { values["assisted"] = assisted }
        values["categories"] = ProblemCategory.allCases.map { ["value": $0.rawValue, "label": t["cat_" + $0.rawValue] ?? $0.rawValue] }
        return try pages.page("register", values, language: language, status: errors == nil ? .ok : .unprocessableContent)
    }

    static func text(_ value: FieldValue) -> String {
        switch value {
        case .string(let s): s
        case .number(let n): String(n)
        case .bool(let b): b ? "true" : ""
        case .array(let items): items.map(text).joined(separator: ", ")
        case .null, .object: ""
        }
    }

    static func list(_ value: FieldValue?) -> [String] {
        switch value {
        case .array(let items)?: items.map(text).filter { !$0.isEmpty }
        case .string(let s)?: s.split(whereSeparator: { " ,，、;".contains($0) }).map(String.init)
        default: []
        }
    }
}
