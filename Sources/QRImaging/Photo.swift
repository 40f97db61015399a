/// A photo attached to a problem report (CONTRACT §10), stored re-encoded: only its pixels are
/// kept — as a greyscale PNG of at most `maxSide` pixels a side — so EXIF (place, time, phone
/// model) and every other metadata chunk is gone, and a file that is not a readable JPEG or PNG
/// is refused. Grey because the decoders at hand give grey pixels for JPEG (libzbar's libjpeg
/// converter); a photo of a leak or a dirty stairwell stays clear enough.
public enum Photo {
    public static let maxSide = 1600

    public static func sanitize(_ bytes: [UInt8]) throws -> [UInt8] {
        let image = try QRDecoder.gray(bytes)
        let factor = max(1, (max(image.width, image.height) + maxSide - 1) / maxSide)
        guard factor > 1 else { return try PNGEncoder.encodeGray(image.gray, width: image.width, height: image.height) }
        // Box filter: each output pixel is the mean of a factor × factor block.
        let width = image.width / factor, height = image.height / factor
        var out = [UInt8](repeating: 0, count: width * height)
        let area = factor * factor
        image.gray.withUnsafeBufferPointer { src in
            for y in 0..<height {
                for x in 0..<width {
                    var sum = 0
                    for dy in 0..<factor {
                        let row = (y * factor + dy) * image.width + x * factor
                        for dx in 0..<factor { sum += Int(src[row + dx]) }
                    }
                    out[y * width + x] = UInt8(sum / area)
                }
            }
        }
        return try PNGEncoder.encodeGray(out, width: width, height: height)
    }
}
