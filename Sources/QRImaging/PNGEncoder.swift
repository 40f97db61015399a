import CPNG
import CPNGWrite

/// An RGB colour for drawing codes.
public struct RGB: Sendable, Equatable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }
    public static let black = RGB(0, 0, 0)
    public static let white = RGB(255, 255, 255)
    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + [r, g, b].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined()
    }
}

/// Writes QR matrices as PNG: black on white as a 1-bit greyscale image through our C function
/// over libpng's low-level writer (`CPNGWrite`: module rows packed to bits, each written `scale`
/// times); coloured codes and photos through libpng's simplified API.
public enum PNGEncoder {
    public struct Error: Swift.Error, CustomStringConvertible {
        public let message: String
        public var description: String { "PNG encoding failed: \(message)" }
    }

    public enum Style: Sendable, Equatable {
        /// 8-bit greyscale, black on white.
        case gray
        /// A two-entry palette, written by libpng at 1 bit per pixel.
        case palette(dark: RGB, light: RGB)
        /// Black on white, 1 bit per pixel (posters).
        case monochrome
    }

    /// Encodes `matrix` with square modules of `scale` pixels and a quiet zone of `quietZone` modules.
    public static func encode(_ matrix: QRMatrix, scale: Int, quietZone: Int = 4, style: Style = .monochrome) throws -> [UInt8] {
        guard scale >= 1, quietZone >= 0 else { throw Error(message: "scale must be ≥ 1 and quiet zone ≥ 0") }
        if style == .monochrome { return try oneBit(matrix, scale: scale, quietZone: quietZone) }
        let side = (matrix.size + 2 * quietZone) * scale
        let (dark, light): (UInt8, UInt8)
        var colormap: [UInt8] = []
        var format = CPNG_FORMAT_GRAY()
        switch style {
        case .gray, .monochrome:
            (dark, light) = (0, 255)
        case .palette(let d, let l):
            (dark, light) = (0, 1)
            colormap = [d.r, d.g, d.b, l.r, l.g, l.b]
            format = CPNG_FORMAT_RGB_COLORMAP()
        }
        let pixels = rasterize(matrix, scale: scale, quietZone: quietZone, dark: dark, light: light)
        return try write(pixels, width: side, height: side, format: format, colormap: colormap)
    }

    /// 1 bit a pixel through `gridpass_png_write_qr` (the modules are Bools: one byte each, 0 or 1).
    static func oneBit(_ matrix: QRMatrix, scale: Int, quietZone: Int) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 200)
        let ok = matrix.modules.withUnsafeBytes { modules in
            gridpass_png_write_qr(modules.bindMemory(to: UInt8.self).baseAddress, Int32(matrix.size), Int32(quietZone), Int32(scale),
                                  &out, &size, &message, message.count)
        }
        guard ok == 1, let out else { throw Error(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        defer { gridpass_png_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// A greyscale PNG of 8-bit pixels (a photo re-encoded without its metadata).
    public static func encodeGray(_ pixels: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, pixels.count == width * height else { throw Error(message: "pixels do not match the size") }
        return try write(pixels, width: width, height: height, format: CPNG_FORMAT_GRAY(), colormap: [])
    }

    static func write(_ pixels: [UInt8], width: Int, height: Int, format: png_uint_32, colormap: [UInt8]) throws -> [UInt8] {
        var image = CPNG_image(UInt32(width), UInt32(height), format)
        if !colormap.isEmpty { image.colormap_entries = UInt32(colormap.count / 3) }
        defer { png_image_free(&image) }
        // libpng writes into an uninitialised scratch buffer sized by an upper bound of the
        // compressed size (it reports the exact need if that is too small); only the bytes of
        // the PNG are copied out. (Zero-filling a buffer of the bound, a third of a megabyte per
        // poster at 300 dpi, cost about 16 % of the poster time in page faults.)
        var capacity = width * height + height * 8 + 4096
        for _ in 0..<2 {
            var size = png_alloc_size_t(capacity)
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            defer { scratch.deallocate() }
            let ok = pixels.withUnsafeBytes { px in
                colormap.withUnsafeBytes { cm in
                    CPNG_write_to_memory(&image, scratch.baseAddress, &size, px.baseAddress, Int32(width),
                                         colormap.isEmpty ? nil : cm.baseAddress)
                }
            }
            if ok != 0 { return Array(UnsafeRawBufferPointer(rebasing: scratch.prefix(Int(size)))) }
            guard !CPNG_IMAGE_ERROR_SET(&image), Int(size) > capacity else { break }
            capacity = Int(size)
        }
        throw Error(message: message(of: image))
    }

    private static func CPNG_IMAGE_ERROR_SET(_ image: inout png_image) -> Bool { CPNG_IMAGE_ERROR(&image) != 0 }

    private static func message(of image: png_image) -> String {
        var image = image
        return withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// One byte per pixel: each module row is drawn once and then copied `scale - 1` times.
    static func rasterize(_ matrix: QRMatrix, scale: Int, quietZone: Int, dark: UInt8, light: UInt8) -> [UInt8] {
        let side = (matrix.size + 2 * quietZone) * scale
        return [UInt8](unsafeUninitializedCapacity: side * side) { buf, count in
            buf.initialize(repeating: light)
            let base = buf.baseAddress!
            for y in 0..<matrix.size {
                let rowStart = base + ((y + quietZone) * scale) * side
                let row = matrix.modules[(y * matrix.size)..<((y + 1) * matrix.size)]
                var px = rowStart + quietZone * scale
                for module in row {
                    if module { px.update(repeating: dark, count: scale) }
                    px += scale
                }
                for copy in 1..<scale {
                    (rowStart + copy * side).update(from: rowStart, count: side)
                }
            }
            count = side * side
        }
    }
}

/// Reads PNG files back into 8-bit grey pixels (used by tests and to check output).
public enum PNGDecoder {
    public struct TooLarge: Error { public let width: Int, height: Int }
    public struct Image: Sendable {
        public let width: Int, height: Int
        public let gray: [UInt8]

        public init(width: Int, height: Int, gray: [UInt8]) {
            self.width = width
            self.height = height
            self.gray = gray
        }
    }

    /// Grey pixels of a PNG; `maxPixels` refuses larger images before their pixels are read.
    public static func decodeGray(_ data: [UInt8], maxPixels: Int = .max) throws -> Image {
        var image = CPNG_image(0, 0, 0)
        defer { png_image_free(&image) }
        let began = data.withUnsafeBytes { CPNG_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw PNGEncoder.Error(message: "not a readable PNG") }
        guard Int(image.width) * Int(image.height) <= maxPixels else {
            throw TooLarge(width: Int(image.width), height: Int(image.height))
        }
        image.format = CPNG_FORMAT_GRAY()
        var buffer = [UInt8](repeating: 0, count: CPNG_IMAGE_SIZE(&image))
        let finished = buffer.withUnsafeMutableBytes { CPNG_finish_read(&image, $0.baseAddress, 0) }
        guard finished != 0 else { throw PNGEncoder.Error(message: "PNG read failed") }
        return Image(width: Int(image.width), height: Int(image.height), gray: buffer)
    }
}
