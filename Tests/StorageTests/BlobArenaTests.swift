import Foundation
@testable import Storage
import Testing

/// A start copies every stored zone version into a few large buffers (`BlobArena`): each blob must read back as
/// it went in, whatever its size, and a buffer given back must leave the others intact.
struct BlobArenaTests {
    /// Blobs of many sizes for three buffers, each with a fill of its own and its index first (a read from a wrong
    /// offset or buffer differs), now and then one too large to share a buffer, the first larger than a buffer.
    static func blobs() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        var blobs: [[UInt8]] = []
        var total = 0
        while total < 3 * BlobArena.bufferSize {
            let size = blobs.isEmpty ? BlobArena.bufferSize + 1
                : blobs.count % 97 == 0 ? BlobArena.largestShared + 1 + Int.random(in: 0 ..< 4096, using: &generator)
                : Int.random(in: 1 ... 70_000, using: &generator)
            var blob = [UInt8](repeating: UInt8(truncatingIfNeeded: blobs.count % 251 + 1), count: size)
            withUnsafeBytes(of: UInt32(blobs.count).bigEndian) { index in
                for (offset, byte) in index.prefix(size).enumerated() { blob[offset] = byte }
            }
            blobs.append(blob)
            total += size
        }
        return blobs
    }

    @Test func blobsReadBackAcrossBuffersAndOthersSurviveARelease() {
        let blobs = Self.blobs()
        var arena = BlobArena()
        let locations = blobs.map { blob in blob.withUnsafeBytes { arena.append($0) } }
        let empty = arena.append(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(arena.bytes(at: empty).isEmpty && arena.buffer(of: empty) == nil)
        for (index, location) in locations.enumerated() {
            #expect(Array(arena.bytes(at: location)) == blobs[index], "blob \(index)")
        }
        // A shared buffer given back: the blobs of every other buffer still read as they went in.
        let released = arena.buffer(of: locations[1])!
        arena.release(buffer: released)
        arena.release(buffer: released)
        for (index, location) in locations.enumerated() where arena.buffer(of: location) != released {
            #expect(Array(arena.bytes(at: location)) == blobs[index], "blob \(index)")
        }
        #expect(Set(locations.compactMap(arena.buffer(of:))).count == arena.bufferCount)
    }

    @Test func aBlobTooLargeToShareTakesNoRoomInTheBuffers() {
        var arena = BlobArena()
        let small = [UInt8](repeating: 1, count: 100)
        let first = small.withUnsafeBytes { arena.append($0) }
        let large = [UInt8](repeating: 2, count: BlobArena.bufferSize + 1)
        let copied = large.withUnsafeBytes { arena.append($0) }
        let second = small.withUnsafeBytes { arena.append($0) }
        #expect(Array(arena.bytes(at: copied)) == large && Array(arena.bytes(at: second)) == small)
        // The small copies follow one another in one buffer: the large one went elsewhere.
        #expect(arena.buffer(of: first) == arena.buffer(of: second) && arena.buffer(of: copied) != arena.buffer(of: first))
        #expect(arena.bytes(at: second).baseAddress == arena.bytes(at: first).baseAddress.map { $0 + small.count })
    }
}
