import Foundation
import GridPassServer
import QRImaging
import Testing

@Suite("The printed poster")
struct PosterSizeTests {
    @Test("the QR code on the A4 poster is at least 120 mm wide without its quiet zone, for every code version a poster URL can take")
    func qrAtLeast120mm() throws {
        for url in ["HTTP://127.0.0.1:8080/R/AEDAAAAAB4AACAABUIZCK6AEML6VVKZE",
                    "HTTPS://GRIDPASS.PINGSHAN.EXAMPLE.GOV.CN/R/AEDAAAAAB4AACAABUIZCK6AEML6VVKZE"] {
            let matrix = try PosterRenderer.matrix(url)
            let modules = Double(matrix.size)
            let side = PosterRenderer.qrSide * modules / (modules + 8)
            #expect(side >= 120, "\(url): \(side) mm")
            #expect(PosterRenderer.qrSide <= PosterRenderer.pageWidth - 2 * 12, "inside the border")
        }
    }
}
