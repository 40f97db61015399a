import CQRencode

/// A QR code as a square matrix of modules, made by libqrencode.
public struct QRMatrix: Sendable, Equatable {
    public enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        var c: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// The densest single QR data mode that holds the whole text (libqrencode picks the same
    /// when every character fits it; otherwise it mixes segments, reported as `byte`).
    public enum Mode: String, Sendable {
        case numeric, alphanumeric, byte
    }

    public struct EncodingError: Error, CustomStringConvertible, Equatable {
        public let errno: Int32
        public var description: String {
            switch errno {
            case 34: "QR encoding failed: the text is too long for a QR code (ERANGE)"
            case 22: "QR encoding failed: invalid input (EINVAL)"
            case 12: "QR encoding failed: out of memory (ENOMEM)"
            default: "QR encoding failed (errno \(errno))"
            }
        }
    }

    /// QR version, 1...40 (modules per side = 17 + 4 × version).
    public let version: Int
    public let errorCorrection: ErrorCorrection
    public let mode: Mode
    /// Modules per side, without quiet zone.
    public let size: Int
    /// Row-major, `true` for a dark module.
    public let modules: [Bool]

    /// Encodes `text` (case-sensitive) at the smallest version that fits.
    public init(text: String, errorCorrection: ErrorCorrection = .quartile) throws {
        CQRencode_clear_errno()
        guard let code = QRcode_encodeString(text, 0, errorCorrection.c, QR_MODE_8, 1) else {
            throw EncodingError(errno: CQRencode_errno())
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        self.version = Int(code.pointee.version)
        self.errorCorrection = errorCorrection
        self.mode = Self.mode(of: text)
        self.size = width
        self.modules = data.map { $0 & 1 == 1 }
    }

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    static func mode(of text: String) -> Mode {
        let utf8 = text.utf8
        if !utf8.isEmpty && utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .numeric }
        let extra = Set(" $%*+-./:".utf8)
        if utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || extra.contains($0) }) {
            return .alphanumeric
        }
        return .byte
    }
}
