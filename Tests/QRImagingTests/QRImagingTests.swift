import Foundation
import GridPassTestSupport
import QRImaging
import Testing

@Suite("QR matrices and PNG encoding")
struct QRImagingTests {
    /// A 24-character public URL followed by `/r/` and a 32-character token, upper-cased as printed.
    static let publicURL = "https://gridpass.psqu.cn"
    static let posterURL = (publicURL + "/r/AEDAAAAAB4AACAABD7TJPVGQXW7TXFBI").uppercased()

    @Test("a poster URL with a 24-character public URL is alphanumeric and at most version 4 at ECC Q")
    func posterVersion() throws {
        #expect(Self.publicURL.count == 24)
        let matrix = try QRMatrix(text: Self.posterURL, errorCorrection: .quartile)
        #expect(matrix.mode == .alphanumeric)
        #expect(matrix.version <= 4)
        #expect(matrix.size == 17 + 4 * matrix.version)
        // Lower case forces byte mode, which would not fit version 4 at Q.
        let lower = try QRMatrix(text: Self.posterURL.lowercased(), errorCorrection: .quartile)
        #expect(lower.mode == .byte)
        #expect(lower.version > matrix.version)
    }

    @Test("mode detection")
    func modes() throws {
        #expect(try QRMatrix(text: "0123456789").mode == .numeric)
        #expect(try QRMatrix(text: "GP1:ABC").mode == .alphanumeric)
        #expect(try QRMatrix(text: "平山区").mode == .byte)
    }

    @Test("text too long for any QR code is an error, not a crash")
    func tooLong() {
        #expect(throws: QRMatrix.EncodingError.self) { try QRMatrix(text: String(repeating: "x", count: 8000), errorCorrection: .high) }
    }

    @Test("monochrome PNG: square modules, quiet zone, decodes with zbarimg", arguments: [1, 3, 14])
    func monochrome(scale: Int) throws {
        let matrix = try QRMatrix(text: Self.posterURL, errorCorrection: .quartile)
        let png = try PNGEncoder.encode(matrix, scale: scale, quietZone: 4)
        let image = try PNGDecoder.decodeGray(png)
        let side = (matrix.size + 8) * scale
        #expect(image.width == side && image.height == side)
        // Quiet zone is white; each module is a full scale × scale square of its colour.
        #expect(image.gray[0] == 255 && image.gray[side * side - 1] == 255)
        for (x, y) in [(0, 0), (matrix.size - 1, 0), (5, 7), (matrix.size / 2, matrix.size / 2)] {
            let expected: UInt8 = matrix[x, y] ? 0 : 255
            for dy in 0..<scale { for dx in 0..<scale {
                #expect(image.gray[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] == expected)
            } }
        }
        if scale >= 3 { #expect(try ZBar.decode(png: png) == [Self.posterURL]) }
    }

    @Test("grey and coloured palette PNGs decode with zbarimg")
    func styles() throws {
        let matrix = try QRMatrix(text: "GP1:TESTPAYLOAD2345", errorCorrection: .medium)
        let grey = try PNGEncoder.encode(matrix, scale: 6, style: .gray)
        #expect(try ZBar.decode(png: grey) == ["GP1:TESTPAYLOAD2345"])
        let green = try PNGEncoder.encode(matrix, scale: 6, style: .palette(dark: RGB(0, 120, 60), light: .white))
        #expect(try ZBar.decode(png: green) == ["GP1:TESTPAYLOAD2345"])
        #expect(Array(green[1...3]) == Array("PNG".utf8))
    }

    @Test("SVG has one path and the quiet zone in its view box")
    func svg() throws {
        let matrix = try QRMatrix(text: "HELLO", errorCorrection: .quartile)
        let svg = SVGRenderer.qrElement(matrix, x: 10, y: 20, side: 50)
        #expect(svg.contains("viewBox=\"0 0 \(matrix.size + 8) \(matrix.size + 8)\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
    }
}
