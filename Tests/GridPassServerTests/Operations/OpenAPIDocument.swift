import GridPassCore
import Yams

/// The OpenAPI document read as YAML (Yams) into plain JSON values, with `$ref` resolution and a
/// small JSON Schema check of real answers against the documented ones.
struct OpenAPIDocument {
    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    let root: JSONValue

    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    init(yaml: String) throws {
        guard let node = try Yams.compose(yaml: yaml) else { throw Problem("empty document") }
        root = try Self.json(node)
    }

    /// YAML nodes as JSON values; duplicate keys, non-string keys and aliases are errors.
    static func json(_ node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var pairs: [(key: String, value: JSONValue)] = []
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key, Tag.Name(rawValue: key.tag.description) == .str else { throw Problem("non-string key \(key)") }
                guard !pairs.contains(where: { $0.key == scalar.string }) else { throw Problem("duplicate key \(scalar.string)") }
                pairs.append((scalar.string, try json(value)))
            }
            return .object(pairs)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return .null
            case .bool: return .bool(node.bool!)
            case .int: return .number(Double(node.int!), isInteger: true)
            case .float: return .number(node.float!, isInteger: false)
            default: return .string(scalar.string)
            }
        case .alias:
            throw Problem("aliases are not used in this document")
        }
    }

    /// `[(METHOD, path)]` of every operation, e.g. `("POST", "/api/v1/verify")`.
    var operations: [(method: String, path: String)] {
        root["paths"]?.members.flatMap { path, item in
            item.members.map(\.key).filter(Self.methods.contains).map { ($0.uppercased(), path) }
        } ?? []
    }

    /// The value a local `$ref` (`#/a/b`) points to.
    func resolve(_ ref: String) throws -> JSONValue {
        guard ref.hasPrefix("#/") else { throw Problem("not a local reference: \(ref)") }
        var value = root
        for token in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = value[key] else { throw Problem("\(ref) does not resolve") }
            value = next
        }
        return value
    }

    /// Follows `$ref` until a value that is not a reference.
    func dereferenced(_ value: JSONValue) throws -> JSONValue {
        var value = value
        while case .string(let ref)? = value["$ref"] { value = try resolve(ref) }
        return value
    }

    /// Every `$ref` in the document.
    var references: [String] {
        func collect(_ value: JSONValue) -> [String] {
            switch value {
            case .object(let pairs): pairs.flatMap { $0.key == "$ref" ? ($0.value.string.map { [$0] } ?? ["(not a string)"]) : collect($0.value) }
            case .array(let items): items.flatMap(collect)
            default: []
            }
        }
        return collect(root)
    }

    /// The JSON schema of the `status` answer of an operation.
    func responseSchema(_ method: String, _ path: String, status: Int) throws -> JSONValue {
        guard let operation = root["paths"]?[path]?[method.lowercased()] else { throw Problem("\(method) \(path) is not documented") }
        guard let response = operation["responses"]?[String(status)] else { throw Problem("\(method) \(path) does not document \(status)") }
        guard let schema = try dereferenced(response)["content"]?.members.first?.value["schema"] else {
            throw Problem("\(method) \(path) \(status) has no schema")
        }
        return schema
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    var members: [(key: String, value: JSONValue)] {
        if case .object(let pairs) = self { pairs } else { [] }
    }

    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    var strings: [String] {
        if case .array(let items) = self { items.compactMap(\.string) } else { string.map { [$0] } ?? [] }
    }
}
