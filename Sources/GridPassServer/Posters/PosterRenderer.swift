import GridPassCore
import QRImaging

/// One door's poster, ready to draw.
public struct PosterSpec: Sendable {
    public let path: PlacePath
    public let url: String

    public var code: String { path.place.code }
    /// Printed under the QR code: the place code and the poster's serial, for staff to match a
    /// poster on the wall to the system.
    public var shortCode: String { "\(path.place.code) · 第\(path.place.posterSerial)版" }
}

/// Draws posters: the bare QR code as PNG, the labelled A4 poster as SVG, and the print sheet.
public enum PosterRenderer {
    public static let pageWidth = 210.0, pageHeight = 297.0
    /// Side of the QR code on the printed poster, quiet zone included (≥ 50 mm).
    /// The QR code's side with its 4-module quiet zone: the code itself is at least 120 mm wide
    /// (150 × 33/41 for a version-4 code), readable from a step back at a unit door.
    public static let qrSide = 150.0

    /// The QR code of a poster URL at ECC level Q (for print).
    public static func matrix(_ url: String) throws -> QRMatrix {
        try QRMatrix(text: url, errorCorrection: .quartile)
    }

    /// Pixels per side for a printed size at a resolution.
    public static func pixels(sizeMM: Double, dpi: Int) -> Int {
        Int((sizeMM / 25.4 * Double(dpi)).rounded())
    }

    /// The bare QR code (square modules, 4-module quiet zone), scaled to at most `sizeMM` at `dpi`
    /// with a whole number of pixels per module.
    public static func png(_ url: String, dpi: Int = 300, sizeMM: Double = 50) throws -> [UInt8] {
        let matrix = try matrix(url)
        let scale = max(1, pixels(sizeMM: sizeMM, dpi: dpi) / (matrix.size + 8))
        return try PNGEncoder.encode(matrix, scale: scale, quietZone: 4, style: .monochrome)
    }

    /// The labelled A4 poster as a standalone SVG document.
    public static func svg(_ poster: PosterSpec) throws -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + (try svgElement(poster)) + "\n"
    }

    /// The labelled poster as an `<svg>` element (also used inline by the HTML sheet).
    static func svgElement(_ poster: PosterSpec) throws -> String {
        let matrix = try matrix(poster.url)
        let (head, door) = nameLines(poster.path)
        let lines = instructions(for: poster.path.place.kind)
        let qrX = (pageWidth - qrSide) / 2
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" \
            font-family="'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Zen Hei','PingFang SC','Microsoft YaHei',sans-serif">
            <rect width="210" height="297" fill="#ffffff"/>
            <rect x="12" y="12" width="186" height="273" rx="4" fill="none" stroke="#0b6e4f" stroke-width="1.2"/>
            <text x="105" y="28" font-size="7" text-anchor="middle" fill="#0b6e4f" font-weight="700">扫码登记 · GridPass 网格通</text>

            """
        out += text(head, y: 50, size: 9, weight: 400)
        out += text(door, y: 72, size: door.count > 12 ? 12 : 15, weight: 700)
        out += SVGRenderer.qrElement(matrix, x: qrX, y: 78, side: qrSide) + "\n"
        out += text(poster.shortCode, y: 236, size: 5, weight: 400, mono: true)
        out += text(lines.0, y: 250, size: 6.5, weight: 400)
        out += text(lines.1, y: 261, size: 6.5, weight: 400)
        out += text("不漏一企、不落一人 · 如有疑问请联系网格员", y: 278, size: 5, weight: 400, fill: "#5b6470")
        out += "</svg>"
        return out
    }

    /// The printable sheet: one A4 page per poster.
    public static func html(_ posters: [PosterSpec], title: String) throws -> String {
        var out = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>\(xml(title)) · 海报打印</title>
            <style>
            @page { size: A4 portrait; margin: 0; }
            html, body { margin: 0; padding: 0; background: #e9ecef; }
            .page { width: 210mm; height: 297mm; margin: 0 auto; background: #fff; overflow: hidden;
                    page-break-after: always; break-after: page; }
            .page:last-child { page-break-after: auto; break-after: auto; }
            .page > svg { display: block; width: 210mm; height: 297mm; }
            .hint { font: 15px/1.5 sans-serif; max-width: 210mm; margin: 12px auto; }
            @media screen { .page { margin-bottom: 12px; box-shadow: 0 1px 6px rgba(0,0,0,.2); } }
            @media print { html, body { background: #fff; } .hint { display: none; } }
            </style></head><body>
            <p class="hint">\(xml(title))：共 \(posters.count) 张海报。打印时选择 A4 纸、纵向、缩放 100%。</p>

            """
        for poster in posters {
            out += "<section class=\"page\">" + (try svgElement(poster)) + "</section>\n"
        }
        out += "</body></html>\n"
        return out
    }

    // MARK: - Text

    /// The address (district, street, community) and the door itself (building, unit…).
    static func nameLines(_ path: PlacePath) -> (String, String) {
        let full = path.fullName
        guard let space = full.firstIndex(of: " ") else { return ("", full) }
        return (String(full[..<space]), String(full[full.index(after: space)...]))
    }

    static func instructions(for kind: PlaceKind) -> (String, String) {
        switch kind {
        case .enterprise:
            ("员工请用手机相机扫码，填写身份信息和健康申报，", "经企业审核后获得健康码，上岗时在卡口出示。")
        case .checkpoint:
            ("居民和员工请扫码查看登记方式；", "值守人员请打开卡口核验页面，逐人扫码核验。")
        default:
            ("请用手机相机扫码，填写身份证号、手机号、房号和健康申报，", "登记后获得个人健康码，进出卡口时主动出示。")
        }
    }

    static func text(_ s: String, y: Double, size: Double, weight: Int, mono: Bool = false, fill: String = "#1b1f24") -> String {
        guard !s.isEmpty else { return "" }
        // Estimated width: CJK and full-width characters are 1 em, others about 0.6 em.
        let ems = s.unicodeScalars.reduce(0.0) { $0 + ($1.value >= 0x2E80 ? 1.0 : 0.6) }
        let maxWidth = 176.0
        let fit = ems * size > maxWidth ? " textLength=\"\(Int(maxWidth))\" lengthAdjust=\"spacingAndGlyphs\"" : ""
        let family = mono ? " font-family=\"'DejaVu Sans Mono',monospace\"" : ""
        return "<text x=\"105\" y=\"\(y)\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"middle\" fill=\"\(fill)\"\(family)\(fit)>\(xml(s))</text>\n"
    }

    static func xml(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
