import QRImaging

/// The camera frame decoder (POST /api/v1/scan, problem photos): arbitrary bytes never crash it;
/// a frame it reads re-encodes to a PNG it reads again with the same size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? QRDecoder.decode(bytes)
    if let image = try? QRDecoder.gray(bytes), image.width * image.height <= 1 << 20 {
        let png = try! PNGEncoder.encodeGray(image.gray, width: image.width, height: image.height)
        let again = try! QRDecoder.gray(png)
        require(again.width == image.width && again.height == image.height && again.gray == image.gray, "PNG round trip changed the pixels")
    }
    return 0
}
