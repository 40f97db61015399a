/// Draws a QR matrix as SVG: one path of horizontal runs of dark modules, on a light square
/// that includes the quiet zone. Units are modules; the caller scales it with width/height.
public enum SVGRenderer {
    /// A standalone `<svg>` element placed at (`x`, `y`) with side `side` in the caller's units.
    public static func qrElement(_ matrix: QRMatrix, x: Double, y: Double, side: Double, quietZone: Int = 4,
                                 dark: RGB = .black, light: RGB = .white) -> String {
        let n = matrix.size + 2 * quietZone
        var path = ""
        path.reserveCapacity(matrix.size * matrix.size * 4)
        for row in 0..<matrix.size {
            var col = 0
            while col < matrix.size {
                guard matrix[col, row] else { col += 1; continue }
                let start = col
                while col < matrix.size && matrix[col, row] { col += 1 }
                path += "M\(start + quietZone) \(row + quietZone)h\(col - start)v1h-\(col - start)z"
            }
        }
        return """
            <svg x="\(fmt(x))" y="\(fmt(y))" width="\(fmt(side))" height="\(fmt(side))" viewBox="0 0 \(n) \(n)" shape-rendering="crispEdges">\
            <rect width="\(n)" height="\(n)" fill="\(light.hex)"/><path fill="\(dark.hex)" d="\(path)"/></svg>
            """
    }

    static func fmt(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
