import Foundation
@testable import Storage
import Testing

/// A start copies every stored zone version into a few large buffers (`BlobArena`): each copy must hold its own
/// octets for as long as it lives, whatever became of the arena and the other copies.
struct BlobArenaTests {
    @Test func copiesHoldTheirOctetsAfterTheArenaAndAcrossBuffers() {
        var generator = SystemRandomNumberGenerator()
        // Enough octets for three buffers, in blobs of many sizes.
        var blobs: [[UInt8]] = []
        var total = 0
        while total < 3 * BlobArena.bufferSize {
            // Now and then one too large to share a buffer, the first larger than a whole buffer.
            let size = blobs.isEmpty ? BlobArena.bufferSize + 1
                : blobs.count % 97 == 0 ? BlobArena.largestShared + 1 + Int.random(in: 0 ..< 4096, using: &generator)
                : Int.random(in: 1 ... 70_000, using: &generator)
            // A fill of its own and its index first: a copy from a wrong offset or buffer differs.
            var blob = [UInt8](repeating: UInt8(truncatingIfNeeded: blobs.count % 251 + 1), count: size)
            withUnsafeBytes(of: UInt32(blobs.count).bigEndian) { index in
                for (offset, byte) in index.prefix(size).enumerated() { blob[offset] = byte }
            }
            blobs.append(blob)
            total += size
        }
        var copies: [Data] = []
        do {
            var arena = BlobArena()
            for blob in blobs { copies.append(blob.withUnsafeBytes { arena.copy($0) }) }
            #expect(arena.copy(UnsafeRawBufferPointer(start: nil, count: 0)).isEmpty)
        }
        // Every other copy freed first: the rest keep their buffers.
        for index in copies.indices where index % 2 == 1 { copies[index] = Data() }
        for (index, copy) in copies.enumerated() where index % 2 == 0 {
            #expect(copy == Data(blobs[index]), "blob \(index)")
        }
    }

    @Test func aBlobTooLargeToShareTakesNoRoomInTheBuffers() {
        var arena = BlobArena()
        func address(_ data: Data) -> UnsafeRawPointer? { data.withUnsafeBytes { $0.baseAddress } }
        let small = [UInt8](repeating: 1, count: 100)
        let first = small.withUnsafeBytes { arena.copy($0) }
        let large = [UInt8](repeating: 2, count: BlobArena.bufferSize + 1)
        let copied = large.withUnsafeBytes { arena.copy($0) }
        let second = small.withUnsafeBytes { arena.copy($0) }
        #expect(copied == Data(large) && first == Data(small) && second == Data(small))
        // The small copies follow one another in one buffer: the large one went elsewhere.
        #expect(address(second) == address(first).map { $0 + small.count })
    }
}
