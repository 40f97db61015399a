import CPNG
import CZBar

/// Reads QR codes out of a photo (a camera frame sent by the guard page, CONTRACT §11) with
/// libzbar, the decoder of Debian's zbar-tools. PNG is read with libpng, JPEG by libzbar's own
/// converter (libjpeg); the pixels live only for the call.
public enum QRDecoder {
    public enum Failure: Error, Equatable, Sendable {
        /// Neither PNG nor JPEG, or a file of that kind that cannot be read.
        case notAnImage
        /// More than `maxPixels` pixels (a "decompression bomb" is refused before it is decoded).
        case tooManyPixels(width: Int, height: Int)
    }

    /// 4096 × 4096: any phone camera frame, far below what would hurt the server.
    public static let maxPixels = 4096 * 4096

    public enum Kind: Sendable { case png, jpeg }

    /// The kind of image by its first bytes, or nil.
    public static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// The texts of every QR code in the image (empty when there is none).
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> [String] {
        let image = try gray(bytes)
        return image.gray.withUnsafeBytes { scan(format: CZBar_fourcc_Y800(), width: image.width, height: image.height, data: $0) }
    }

    /// The image's 8-bit grey pixels (PNG through libpng, JPEG through libzbar's libjpeg
    /// converter); only what the pixels say, none of the file's metadata.
    public static func gray(_ bytes: [UInt8]) throws(Failure) -> PNGDecoder.Image {
        switch kind(of: bytes) {
        case .png?: return try grayPNG(bytes)
        case .jpeg?: return try grayJPEG(bytes)
        case nil: throw .notAnImage
        }
    }

    static func grayPNG(_ bytes: [UInt8]) throws(Failure) -> PNGDecoder.Image {
        let image: PNGDecoder.Image
        do {
            image = try PNGDecoder.decodeGray(bytes, maxPixels: maxPixels)
        } catch let error as PNGDecoder.TooLarge {
            throw .tooManyPixels(width: error.width, height: error.height)
        } catch {
            throw .notAnImage
        }
        guard image.width > 0, image.height > 0 else { throw .notAnImage }
        return image
    }

    static func grayJPEG(_ bytes: [UInt8]) throws(Failure) -> PNGDecoder.Image {
        guard let (width, height) = jpegSize(bytes), width > 0, height > 0 else { throw .notAnImage }
        guard width * height <= maxPixels else { throw .tooManyPixels(width: width, height: height) }
        let pixels: [UInt8]? = bytes.withUnsafeBytes { raw in
            guard let jpeg = zbar_image_create() else { return nil }
            defer { zbar_image_destroy(jpeg) }
            zbar_image_set_format(jpeg, CZBar_fourcc_JPEG())
            zbar_image_set_size(jpeg, UInt32(width), UInt32(height))
            zbar_image_set_data(jpeg, raw.baseAddress, UInt(raw.count), nil)
            // libzbar decodes the JPEG with libjpeg (its error handler returns instead of exiting).
            guard let gray = zbar_image_convert(jpeg, CZBar_fourcc_Y800()), let data = zbar_image_get_data(gray) else { return nil }
            defer { zbar_image_destroy(gray) }
            let count = Int(zbar_image_get_data_length(gray))
            guard count >= width * height else { return nil }
            return Array(UnsafeRawBufferPointer(start: data, count: width * height))
        }
        guard let pixels else { throw .notAnImage }
        return PNGDecoder.Image(width: width, height: height, gray: pixels)
    }

    /// Scans 8-bit grey pixels.
    static func scan(format: UInt, width: Int, height: Int, data: UnsafeRawBufferPointer) -> [String] {
        guard let image = zbar_image_create() else { return [] }
        defer { zbar_image_destroy(image) }
        zbar_image_set_format(image, format)
        zbar_image_set_size(image, UInt32(width), UInt32(height))
        zbar_image_set_data(image, data.baseAddress, UInt(data.count), nil)  // borrowed: no cleanup handler
        return symbols(in: image)
    }

    static func symbols(in image: OpaquePointer) -> [String] {
        guard let scanner = zbar_image_scanner_create() else { return [] }
        defer { zbar_image_scanner_destroy(scanner) }
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        guard zbar_scan_image(scanner, image) > 0 else { return [] }
        var texts: [String] = []
        var symbol = zbar_image_first_symbol(image)
        while let current = symbol {
            if let data = zbar_symbol_get_data(current) {
                let count = Int(zbar_symbol_get_data_length(current))
                texts.append(data.withMemoryRebound(to: UInt8.self, capacity: count) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                })
            }
            symbol = zbar_symbol_next(current)
        }
        return texts
    }

    /// Width and height from a JPEG's start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC).
    static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                let height = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
                let width = Int(bytes[i + 7]) << 8 | Int(bytes[i + 8])
                return (width, height)
            }
            if marker == 0xD9 || marker == 0xDA { return nil }  // end of image, or scan data before any frame
            i += 2 + length
        }
        return nil
    }
}
