/// Where the fields came from: a JSON body (typed values) or an HTML form (text only).
/// It decides how types are checked: a JSON temperature must be a number, a form's is text.
public enum InputSource: Sendable, Equatable {
    case json
    case form

    /// Fields that carry no data of the person and are never an error: the JSON API's poster
    /// token and a form's CSRF token.
    public var ignoredFields: Set<String> {
        switch self {
        case .json: ["token"]
        case .form: ["_csrf"]
        }
    }
}

/// Who registers: a resident through a unit's poster, a worker through an enterprise's.
public enum PersonKind: String, Sendable, Codable, CaseIterable {
    case resident
    case worker
}
