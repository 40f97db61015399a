/// A raw submitted value, before any rule has looked at it: whatever a JSON body held, or what a
/// form sent (a form gives `.string`, or `.array` of `.string` for a repeated key).
public enum FieldValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([FieldValue])
    case null
    case object([String: FieldValue])
}

// MARK: - JSON

extension FieldValue: Decodable {
    /// Decodes any JSON value. Booleans stay booleans (never numbers), numbers are `Double`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FieldValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FieldValue].self))
        }
    }
}

// MARK: - Forms

extension FieldValue {
    /// The fields of a form from its name/value pairs, in order: a name given once is a `.string`,
    /// a repeated name (checkboxes) an `.array` of `.string`. A trailing `[]` on a name is dropped.
    public static func formFields(_ pairs: some Sequence<(name: String, value: String)>) -> [String: FieldValue] {
        var values: [String: [String]] = [:]
        for (rawName, value) in pairs {
            let name = rawName.hasSuffix("[]") ? String(rawName.dropLast(2)) : rawName
            values[name, default: []].append(value)
        }
        return values.mapValues { $0.count == 1 ? .string($0[0]) : .array($0.map(FieldValue.string)) }
    }

    /// What the value is, for messages: "a string", "a number", …
    var typeName: (en: String, zh: String) {
        switch self {
        case .string: ("a string", "字符串")
        case .number: ("a number", "数字")
        case .bool: ("true or false", "布尔值")
        case .array: ("a list", "列表")
        case .null: ("null", "空值")
        case .object: ("an object", "对象")
        }
    }
}

extension FieldValue {
    /// The fields of a JSON object body, or nil when the value is not an object.
    public static func objectFields(_ value: JSONValue) -> [String: FieldValue]? {
        guard case .object(let members) = value else { return nil }
        var fields = [String: FieldValue](minimumCapacity: members.count)
        for (key, member) in members { fields[key] = FieldValue(member) }
        return fields
    }

    public init(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let n, _): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .array(let items): self = .array(items.map(FieldValue.init))
        case .object(let members): self = .object(Dictionary(members.map { ($0.key, FieldValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}
