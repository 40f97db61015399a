/// A resident's room. When the unit lists its rooms the room must be one of them; otherwise it
/// is 1–10 characters of letters, digits and `-`. A trailing `室` or `号` is dropped, letters are upper-cased.
public enum RoomNumber {
    public static let field = "room"
    public static let maxLength = 10

    /// Full-width characters to ASCII, spaces removed, `室`/`号` dropped, upper case.
    public static func normalize(_ text: some StringProtocol) -> String {
        var room = TextNormalization.removingWhitespace(TextNormalization.halfWidth(text))
        while let last = room.last, last == "室" || last == "号" { room.removeLast() }
        return room.uppercased()
    }

    /// Validates a room (nil: not given) against the unit's list of `rooms` (empty: no list).
    public static func parse(_ text: String?, rooms: [String]) -> Result<String, FieldError> {
        func fail(_ code: FieldError.Code, _ en: String, _ zh: String) -> Result<String, FieldError> {
            .failure(FieldError(field: field, code: code, message: en, messageZH: zh))
        }
        let room = text.map(normalize) ?? ""
        guard !room.isEmpty else { return .failure(.required(field, en: "The room number", zh: "房间号")) }
        if !rooms.isEmpty {
            guard rooms.contains(room) else {
                return fail(.notInList, "Room \(TextNormalization.quoted(room)) is not a room of this unit; choose one from the list.",
                            "本单元没有房间 \(TextNormalization.quoted(room))，请从列表中选择。")
            }
            return .success(room)
        }
        guard room.count <= maxLength else {
            return fail(.tooLong, "The room number must be at most \(maxLength) characters.", "房间号不能超过\(maxLength)个字符。")
        }
        guard room.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D }) else {
            return fail(.format, "The room number may contain only letters, digits and -, e.g. 302 or B-1201.",
                        "房间号只能包含字母、数字和 -，例如 302 或 B-1201。")
        }
        return .success(room)
    }
}
