/// Masks a name for guards and staff lists: `张三华` → `张*华`, `张三` → `张*`,
/// `欧阳小华` → `欧**华`. At most three stars, whatever the length.
public enum NameMask {
    public static func mask(_ name: String) -> String {
        let chars = Array(name)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default: return String(chars[0]) + String(repeating: "*", count: min(chars.count - 2, 3)) + String(chars[chars.count - 1])
        }
    }
}
