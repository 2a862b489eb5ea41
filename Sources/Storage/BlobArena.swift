import Foundation

/// The blobs of one large read, copied into a few large buffers rather than a heap block each. A start reads every
/// stored zone version at once (a gigabyte at a million domains), and blocks of a kilobyte freed one by one while
/// zones were built kept the heap's pages resident wherever a zone took a block among them: a 100,000-domain start
/// ended 46 MiB larger. A buffer is a mapping of its own (larger than any block malloc keeps in its heap) and goes
/// back to the system whole once the last `Data` made from it is freed.
struct BlobArena {
    /// Above glibc's largest mmap threshold (32 MiB): every buffer is mapped on its own.
    static let bufferSize = 33 << 20
    /// Blobs larger than this (a catalog's version) keep a block of their own.
    static let largestShared = 1 << 20

    private var buffer: Buffer?

    /// A copy of `bytes`, which keeps its buffer alive for as long as it lives.
    mutating func copy(_ bytes: UnsafeRawBufferPointer) -> Data {
        guard let source = bytes.baseAddress, bytes.count > 0, bytes.count <= Self.largestShared else { return Data(bytes) }
        if buffer.map({ $0.capacity - $0.used < bytes.count }) ?? true { buffer = Buffer(capacity: Self.bufferSize) }
        let buffer = self.buffer!
        let start = buffer.base + buffer.used
        start.copyMemory(from: source, byteCount: bytes.count)
        buffer.used += bytes.count
        return Data(bytesNoCopy: start, count: bytes.count, deallocator: .custom { _, _ in withExtendedLifetime(buffer) {} })
    }

    /// One mapping; only the arena that made it writes to it, before any `Data` of its octets leaves the arena.
    private final class Buffer: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0

        init(capacity: Int) {
            base = .allocate(byteCount: capacity, alignment: 16)
            self.capacity = capacity
        }

        deinit { base.deallocate() }
    }
}
