import GridPassCore

/// Audit details written so that the audit page can tell them in the reader's language: a
/// detail made by `AuditDetail.make` is a small JSON object, `{"k": "notice", "id": 3, "title": …}`,
/// whose `k` names a sentence of the staff strings (`audit_d_notice`) and whose other members fill
/// it in; times are Unix seconds and are shown in the deployment's zone. Free text a user typed
/// (a review's reason, an answer) and the single codes of `reveal`, `flag` and `export` are
/// stored as they are, as are the details of lines written before this form existed.
enum AuditDetail {
    static func make(_ key: String, _ args: [String: Any] = [:]) -> String {
        var object = args
        object["k"] = key
        return String(decoding: JSONWriter.data(object), as: UTF8.self)
    }
}

/// The audit page's words for an audit line's target and detail.
struct AuditText {
    let s: StaffText
    let services: AppServices

    /// The detail as a sentence of the page's language.
    func detail(_ e: AuditEntry) -> String {
        if e.detail.hasPrefix("{"), case .object(let args)? = try? JSONParser.parse(e.detail),
           let key = args.first(where: { $0.key == "k" }), case .string(let name) = key.value, let template = s.strings["audit_d_" + name] {
            var text = template
            for (name, value) in args where name != "k" {
                let word = word(name, value)
                text = text.replacingOccurrences(of: "{\(name)}", with: word)
                // Optional parts of a sentence (an appeal's corrections) have sentences of their own.
                if let part = s.strings["audit_d_and_" + name] { text += part.replacingOccurrences(of: "{\(name)}", with: word) }
            }
            return text
        }
        switch e.action {
        case .reveal: return s.strings[e.detail == "name" ? "full_name" : e.detail] ?? e.detail
        case .flag: return StaffFlagKind(rawValue: e.detail).map(s.flag) ?? e.detail
        case .export: return s.strings["audit_d_list_" + e.detail] ?? e.detail
        default: return e.detail
        }
    }

    /// What it was done to, by name: the place's full name, the region's name, the person's masked name.
    func target(_ target: String) async throws -> String {
        let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return target }
        let (kind, value) = (parts[0], parts[1])
        switch kind {
        case "place":
            guard let place = try await services.places.place(code: value),
                  let entry = try await services.placeCache.place(id: place.id) else { return value }
            return entry.fullName + "（" + value + "）"
        case "region":
            return services.regions.fullName(value).map { $0 + "（" + value + "）" } ?? value
        case "person":
            // `person:ID` or `person:ID (张*华)`: the masked name as it is now, the id beside it.
            let id = String(value.prefix { $0 != " " })
            guard let person = try await services.people.person(id: id) else { return s.fill("audit_t_person_gone", ["id": id]) }
            return NameMask.mask(person.name) + " · " + id
        case "user": return s.fill("audit_t_user", ["name": value])
        case "problem": return s.fill("audit_t_problem", ["id": value])
        default: return target
        }
    }

    private func word(_ name: String, _ value: JSONValue) -> String {
        switch (name, value) {
        case ("until", .number(let n, _)): return s.time(Int64(n))
        case ("color", .string(let c)): return s.colorShort(HealthColor(rawValue: c))
        case ("level", .string(let l)): return s.strings["risk_" + l] ?? l
        case ("unvisited", .string(let list)):
            return list.split(separator: ",").map { code in services.regions.fullName(String(code)) ?? String(code) }.joined(separator: "、")
        case (_, .string(let text)): return text
        case (_, .number(let n, let isInteger)): return isInteger ? String(Int64(n)) : String(n)
        default: return ""
        }
    }
}
