import Atomics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A count of committed changes of one kind (`Slot`), shared by every process that opens the
/// data directory (the server and CLI commands): a small file next to the database
/// (`gridpass.sqlite-changes`, mode 0600) mapped into memory, 8 bytes an atomic counter for each
/// slot. `GroupCommit` — the only way people, their codes and the risk list are written — adds
/// one to `.people` after every commit, before anyone is answered. A reader that notes the count
/// before reading, and finds it unchanged later, knows that nothing of that kind has changed
/// since (`CountedCache`): one atomic load instead of a database read.
final class ChangeCounter: @unchecked Sendable {
    private static let size = 4096
    private let region: UnsafeMutableRawPointer
    private let counter: UnsafeAtomic<UInt64>

    /// What a count is kept for: each has its own 8 bytes of the file.
    enum Slot: Int {
        /// Commits that wrote people, their codes or the risk list (`GroupCommit`).
        case people = 0
        /// Writes of the key ring file (`KeyRing`).
        case keys = 1
        /// Poster rotations (`PosterSerialCache`).
        case posters = 2
    }

    init(path: String, slot: Slot = .people) throws {
        try DataDirectory.createPrivateFile(path)
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // A new file is zeros: the count starts at 0. Growing it again is harmless (zeros beyond the counter).
        if info.st_size < Self.size, ftruncate(fd, off_t(Self.size)) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard let mapped = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        region = mapped
        counter = UnsafeAtomic(at: (mapped + 8 * slot.rawValue).bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: 1))
    }

    /// The number of changes counted so far.
    var current: UInt64 { counter.load(ordering: .sequentiallyConsistent) }

    /// Counts one change (call after its commit, before answering anyone it concerns).
    func bump() { counter.wrappingIncrement(ordering: .sequentiallyConsistent) }

    deinit { munmap(region, Self.size) }
}
