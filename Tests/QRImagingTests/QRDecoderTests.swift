import Foundation
import QRImaging
import Testing

@Suite("Reading QR codes out of camera images (libzbar)")
struct QRDecoderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func fixture(_ name: String) throws -> [UInt8] { try Array(Data(contentsOf: fixtures.appendingPathComponent(name))) }
    static let posterText = "HTTP://127.0.0.1:8080/R/AEDAAAAAAYAACAABDD5NB6VEK7VK7KS2"

    @Test("a PNG drawn by PNGEncoder reads back to its text")
    func png() throws {
        let text = "GP1:AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAAQ"
        let png = try PNGEncoder.encode(try QRMatrix(text: text, errorCorrection: .medium), scale: 4, quietZone: 4)
        #expect(try QRDecoder.decode(png) == [text])
    }

    @Test("JPEG photos (baseline grey and progressive, made by cjpeg) read back", arguments: ["poster-gray.jpg", "poster-progressive.jpg"])
    func jpeg(name: String) throws {
        let jpeg = try Self.fixture(name)
        #expect(QRDecoder.kind(of: jpeg) == .jpeg)
        #expect(try QRDecoder.decode(jpeg) == [Self.posterText])
        #expect(try String(contentsOf: Self.fixtures.appendingPathComponent("poster.txt"), encoding: .utf8) == Self.posterText)
    }

    @Test("an image without a QR code gives no texts")
    func blank() throws {
        #expect(try QRDecoder.decode(try Self.fixture("blank.jpg")) == [])
    }

    @Test("not an image, or a broken one, is refused without a crash")
    func notImages() throws {
        #expect(throws: QRDecoder.Failure.notAnImage) { try QRDecoder.decode(Array("GP1:ABC".utf8)) }
        #expect(throws: QRDecoder.Failure.notAnImage) { try QRDecoder.decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]) }
        #expect(throws: QRDecoder.Failure.notAnImage) { try QRDecoder.decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) }
        // A JPEG cut in half or with its scan data overwritten must not bring the process down.
        let jpeg = try Self.fixture("poster-gray.jpg")
        _ = try? QRDecoder.decode(Array(jpeg.prefix(jpeg.count / 2)))
        var garbled = jpeg
        for i in stride(from: jpeg.count / 3, to: jpeg.count - 2, by: 7) { garbled[i] = 0xFF }
        _ = try? QRDecoder.decode(garbled)
    }

    @Test("a frame claiming more than 4096 × 4096 pixels is refused before it is decoded")
    func bombs() throws {
        var jpeg = try Self.fixture("poster-gray.jpg")
        // Rewrite the SOF marker's height and width to 60 000 × 60 000.
        guard let sof = (2..<jpeg.count - 9).first(where: { jpeg[$0] == 0xFF && (jpeg[$0 + 1] == 0xC0 || jpeg[$0 + 1] == 0xC2) }) else {
            Issue.record("no SOF marker"); return
        }
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60; jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60
        #expect(throws: QRDecoder.Failure.tooManyPixels(width: 60000, height: 60000)) { try QRDecoder.decode(jpeg) }
        var png = try PNGEncoder.encode(try QRMatrix(text: "x"), scale: 1, quietZone: 4)
        // IHDR width and height at bytes 16–23 (the CRC no longer matches: libpng may refuse it as broken first).
        png.replaceSubrange(16..<24, with: [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60])
        #expect(throws: (any Error).self) { try QRDecoder.decode(png) }
    }
}
