import GridPassCore

/// A small JSON Schema (2020-12) check, for the keywords the OpenAPI document uses: `$ref`,
/// `type`, `enum`, `const`, `required`, `properties`, `additionalProperties: false`, `items`,
/// `minItems`, `maxItems`, `maxLength`, `pattern`, `minimum`, `maximum`, `anyOf`, `allOf`.
/// Annotations (`description`, `format`, `examples`) are not checked.
extension OpenAPIDocument {
    /// Where `value` breaks `schema`; empty when it conforms.
    func violations(of schema: JSONValue, by value: JSONValue, at place: String = "$") throws -> [String] {
        let schema = try dereferenced(schema)
        let types = schema["type"]?.strings ?? []
        if !types.isEmpty, !types.contains(where: { Self.value(value, is: $0) }) {
            return ["\(place): \(value.typeName), expected \(types.joined(separator: " or "))"]
        }
        var found: [String] = []
        if case .array(let options)? = schema["enum"], !options.contains(where: { Self.same($0, value) }) {
            found.append("\(place): \(value) is not one of the enum")
        }
        if let constant = schema["const"], !Self.same(constant, value) { found.append("\(place): \(value) is not \(constant)") }
        if let options = schema["anyOf"], case .array(let list) = options,
           try list.allSatisfy({ try !violations(of: $0, by: value, at: place).isEmpty }) {
            found.append("\(place): matches none of anyOf")
        }
        if case .array(let parts)? = schema["allOf"] { for part in parts { found += try violations(of: part, by: value, at: place) } }
        switch value {
        case .object(let pairs):
            let properties = schema["properties"]?.members ?? []
            for key in schema["required"]?.strings ?? [] where !pairs.contains(where: { $0.key == key }) {
                found.append("\(place): \(key) is missing")
            }
            for (key, member) in pairs {
                if let property = properties.first(where: { $0.key == key }) {
                    found += try violations(of: property.value, by: member, at: "\(place).\(key)")
                } else if case .bool(false)? = schema["additionalProperties"] {
                    found.append("\(place): \(key) is not documented")
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { found += try violations(of: itemSchema, by: item, at: "\(place)[\(index)]") }
            }
            if let min = schema["minItems"]?.number, Double(items.count) < min { found.append("\(place): fewer than \(min) items") }
            if let max = schema["maxItems"]?.number, Double(items.count) > max { found.append("\(place): more than \(max) items") }
        case .string(let text):
            if let max = schema["maxLength"]?.number, Double(text.count) > max { found.append("\(place): longer than \(max)") }
            if let pattern = schema["pattern"]?.string, !text.contains(try Regex(pattern)) {
                found.append("\(place): '\(text)' does not match \(pattern)")
            }
        case .number(let number, _):
            if let min = schema["minimum"]?.number, number < min { found.append("\(place): \(number) < \(min)") }
            if let max = schema["maximum"]?.number, number > max { found.append("\(place): \(number) > \(max)") }
        default:
            break
        }
        return found
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (value, type) {
        case (.object, "object"), (.array, "array"), (.string, "string"), (.bool, "boolean"), (.null, "null"), (.number, "number"): true
        case (.number(_, let isInteger), "integer"): isInteger
        default: false
        }
    }

    /// Equality of scalars (what `enum` and `const` hold here).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x == y
        case (.number(let x, _), .number(let y, _)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }
}

extension JSONValue {
    var number: Double? {
        if case .number(let value, _) = self { value } else { nil }
    }
}
