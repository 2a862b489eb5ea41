/// The blobs of one large read, copied into a few large buffers rather than a heap block each, and found by where
/// they lie. A start reads every stored zone version at once (a gigabyte at a million domains): blocks of a
/// kilobyte freed one by one while zones were built kept the heap's pages resident wherever a zone took a block
/// among them (a 100,000-domain start ended 46 MiB larger), and each block cost an object of its own. A shared
/// buffer is a mapping of its own (larger than any block malloc keeps in its heap) and goes back to the system
/// whole.
struct BlobArena: Sendable {
    /// Above glibc's largest mmap threshold (32 MiB): every shared buffer is mapped on its own.
    static let bufferSize = 33 << 20
    /// Blobs larger than this (a catalog's version) get a buffer of their own.
    static let largestShared = 1 << 20

    /// Where a blob lies: its buffer, and its octets there.
    struct Location: Sendable {
        fileprivate let buffer: UInt32
        fileprivate let offset: UInt32
        /// The blob's length.
        let count: UInt32
    }

    private var buffers: [Buffer] = []
    /// The buffer being filled, in `buffers`.
    private var filling: Int?

    /// Copies `bytes` in; where they lie.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Location {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return Location(buffer: 0, offset: 0, count: 0) }
        let index: Int
        if bytes.count > Self.largestShared {
            buffers.append(Buffer(capacity: bytes.count))
            index = buffers.count - 1
        } else {
            if filling.map({ buffers[$0].capacity - buffers[$0].used < bytes.count }) ?? true {
                buffers.append(Buffer(capacity: Self.bufferSize))
                filling = buffers.count - 1
            }
            index = filling!
        }
        let buffer = buffers[index]
        let offset = buffer.used
        (buffer.base + offset).copyMemory(from: source, byteCount: bytes.count)
        buffer.used += bytes.count
        return Location(buffer: UInt32(index), offset: UInt32(offset), count: UInt32(bytes.count))
    }

    /// The buffer `location` lies in; nil for an empty blob.
    func buffer(of location: Location) -> Int? {
        location.count > 0 ? Int(location.buffer) : nil
    }

    /// How many buffers hold the blobs.
    var bufferCount: Int { buffers.count }

    /// Gives buffer `index`'s memory back to the system: nothing may read a blob of it any more.
    func release(buffer index: Int) {
        buffers[index].release()
    }

    /// The octets at `location`, valid while this arena lives and its buffer is not released.
    func bytes(at location: Location) -> UnsafeRawBufferPointer {
        guard location.count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        assert(!buffers[Int(location.buffer)].isReleased, "a blob of a released buffer")
        return UnsafeRawBufferPointer(start: buffers[Int(location.buffer)].base + Int(location.offset),
                                      count: Int(location.count))
    }

    /// One mapping, written only while its arena is being filled, before the arena is shared, and released once
    /// (by the one that knows nothing reads it any more).
    private final class Buffer: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0

        private var released = false
        var isReleased: Bool { released }

        init(capacity: Int) {
            base = .allocate(byteCount: capacity, alignment: 16)
            self.capacity = capacity
        }

        func release() {
            guard !released else { return }
            released = true
            base.deallocate()
        }

        deinit { release() }
    }
}
