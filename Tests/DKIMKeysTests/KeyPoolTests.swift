@testable import DKIMKeys
import Foundation
import Synchronization
import Testing

/// A generator the tests control: numbered fake keys, an optional delay, a switch to make it fail, and an
/// optional gate that holds the first generation until the test opens it.
final class FakeGenerator: Sendable {
    let calls = Atomic<Int>(0)
    let failing = Atomic<Bool>(false)
    /// Generations running now, and the most that ever ran at once.
    let running = Atomic<Int>(0)
    let mostAtOnce = Atomic<Int>(0)
    let delay: Duration
    let firstCallGate: DispatchSemaphore?

    init(delay: Duration = .zero, failing: Bool = false, gated: Bool = false) {
        self.delay = delay
        self.failing.store(failing, ordering: .relaxed)
        firstCallGate = gated ? DispatchSemaphore(value: 0) : nil
    }

    func make() throws(CryptoError) -> DKIMKeyPair {
        let number = calls.add(1, ordering: .relaxed).newValue
        let now = running.add(1, ordering: .relaxed).newValue
        defer { running.subtract(1, ordering: .relaxed) }
        mostAtOnce.max(now, ordering: .relaxed)
        if number == 1 { firstCallGate?.wait() }
        if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18) }
        if failing.load(ordering: .relaxed) { throw CryptoError(operation: "fake", detail: "switched off") }
        return DKIMKeyPair(algorithm: .ed25519, privateKeyPEM: "private \(number)", publicKeyBase64: "public \(number)")
    }

    func pool(capacity: Int, fillers: Int = 1) -> DKIMKeyPool {
        DKIMKeyPool(capacity: capacity, fillers: fillers) { () throws(CryptoError) in try self.make() }
    }
}

/// Polls, without blocking a cooperative-pool thread, until `condition` holds or `timeout` passes.
func eventually(within timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

@Suite("DKIMKeyPool: keys made ahead on a filler thread")
struct KeyPoolTests {
    @Test func fillsUpToCapacityAndNoFurther() async throws {
        let generator = FakeGenerator()
        let pool = generator.pool(capacity: 3)
        #expect(try await eventually { pool.readyCount == 3 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(pool.readyCount == 3)
        #expect(generator.calls.load(ordering: .relaxed) == 3)
    }

    @Test("a pool that runs low is refilled on every filler at once, and never past its capacity")
    func fillersWorkTogether() async throws {
        // Generations long enough for all four fillers to be woken while the first still runs, even on a loaded machine.
        let generator = FakeGenerator(delay: .milliseconds(300))
        let pool = generator.pool(capacity: 8, fillers: 4)
        defer { pool.stop() }
        #expect(try await eventually { pool.readyCount == 8 })
        #expect(generator.mostAtOnce.load(ordering: .relaxed) == 4)
        for _ in 0..<8 { _ = try pool.take() }
        #expect(try await eventually { pool.readyCount == 8 })
        try await Task.sleep(for: .milliseconds(250))
        #expect(pool.readyCount == 8)
        // 8 taken, 8 made ahead: a few more at most (a take made on this thread while the pool was empty).
        #expect((16...18).contains(generator.calls.load(ordering: .relaxed)), "\(generator.calls.load(ordering: .relaxed))")
    }

    @Test("after a failed generation every filler waits for the next take instead of retrying at once")
    func failurePausesEveryFiller() async throws {
        let generator = FakeGenerator(failing: true)
        let pool = generator.pool(capacity: 4, fillers: 3)
        defer { pool.stop() }
        #expect(try await eventually { generator.calls.load(ordering: .relaxed) >= 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(generator.calls.load(ordering: .relaxed) <= 3, "one try per filler at most, then a pause")
        generator.failing.store(false, ordering: .relaxed)
        _ = try? pool.take()
        #expect(try await eventually { pool.readyCount == 4 })
    }

    @Test("a failed generation fails only the waiters that the generations still in flight will not serve", .timeLimit(.minutes(1)))
    func failureSparesWaitersServedByOthers() async throws {
        let calls = Atomic(0)
        let secondStarted = DispatchSemaphore(value: 0)
        // Capacity 1: the second filler starts a generation only once two callers wait (more than the one in
        // flight), so call 2 starting proves both wait. Call 1 waits for that, then fails; call 2 succeeds.
        let pool = DKIMKeyPool(capacity: 1, fillers: 2) { () throws(CryptoError) in
            let number = calls.add(1, ordering: .relaxed).newValue
            if number == 1 {
                secondStarted.wait()
                throw CryptoError(operation: "fake", detail: "first call fails")
            }
            if number == 2 { secondStarted.signal() }
            Thread.sleep(forTimeInterval: 0.2)
            return DKIMKeyPair(algorithm: .ed25519, privateKeyPEM: "private \(number)", publicKeyBase64: "public \(number)")
        }
        defer { pool.stop() }
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 { group.addTask { (try? await pool.next()) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1 && results.count == 2, "one failed with the error, one got the key in flight: \(results)")
    }

    @Test("a pool made without filling generates nothing until startFilling(); a stopped pool never starts")
    func fillingStartsWhenAsked() async throws {
        let generator = FakeGenerator()
        let pool = DKIMKeyPool(capacity: 2, fillers: 2, startFilling: false) { () throws(CryptoError) in try generator.make() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(generator.calls.load(ordering: .relaxed) == 0)
        pool.startFilling()
        #expect(try await eventually { pool.readyCount == 2 })

        let stopped = DKIMKeyPool(capacity: 2, fillers: 2, startFilling: false) { () throws(CryptoError) in try generator.make() }
        stopped.stop()
        stopped.startFilling()
        try await Task.sleep(for: .milliseconds(100))
        #expect(stopped.readyCount == 0 && generator.calls.load(ordering: .relaxed) == 2)
    }

    @Test func takeWithReadyKeysDoesNotGenerate() async throws {
        let generator = FakeGenerator()
        let pool = generator.pool(capacity: 4)
        #expect(try await eventually { pool.readyCount == 4 })
        generator.failing.store(true, ordering: .relaxed)  // from now on, any generation throws
        var taken: Set<String> = []
        for _ in 0..<4 { taken.insert(try pool.take().publicKeyBase64) }
        #expect(taken.count == 4)
        #expect(throws: CryptoError.self) { try pool.take() }  // empty: generated on this thread, which fails
    }

    @Test func nextWaitsForTheFillerWithoutBlockingThePool() async throws {
        let generator = FakeGenerator(delay: .milliseconds(20))
        let pool = generator.pool(capacity: 1)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<5 { group.addTask { try await pool.next().publicKeyBase64 } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys.count == 5)
    }

    @Test func nextThrowsTheGenerationError() async {
        let pool = FakeGenerator(failing: true).pool(capacity: 2)
        await #expect(throws: CryptoError.self) { try await pool.next() }
    }

    @Test func stopFailsWaitersAndTakeStillWorks() async throws {
        let generator = FakeGenerator(gated: true)
        let pool = generator.pool(capacity: 1)
        #expect(try await eventually { generator.calls.load(ordering: .relaxed) == 1 })  // filler held in the gate
        let waiter = Task { try await pool.next() }
        Thread.detachNewThread { pool.stop() }  // joins the filler, so it waits for the gate
        let error = await #expect(throws: CryptoError.self) { try await waiter.value }
        #expect(error == KeyPoolCore.stoppedError)
        generator.firstCallGate?.signal()
        #expect(try pool.take().publicKeyBase64.hasPrefix("public "))
    }

    @Test func stopJoinsPromptlyDuringRSAGeneration() async throws {
        let pool = DKIMKeyPool(algorithm: .rsa2048, capacity: 8)
        try await Task.sleep(for: .milliseconds(10))
        let start = ContinuousClock.now
        pool.stop()
        #expect(ContinuousClock.now - start < .seconds(2))  // at most one RSA generation (40-260 ms) to finish
    }

    @Test func deinitStopsTheFiller() async throws {
        let generator = FakeGenerator(delay: .milliseconds(1))
        do {
            let pool = generator.pool(capacity: 1_000_000)
            #expect(try await eventually { pool.readyCount > 5 })
        }
        let callsAfterDeinit = generator.calls.load(ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(50))
        #expect(generator.calls.load(ordering: .relaxed) == callsAfterDeinit)
    }

    @Test func readyRSAKeysAreTakenInstantly() async throws {
        let pool = DKIMKeyPool(algorithm: .rsa2048, capacity: 8)
        defer { pool.stop() }
        #expect(try await eventually(within: .seconds(30)) { pool.readyCount == 8 })
        let start = ContinuousClock.now
        var keys: Set<String> = []
        for _ in 0..<8 { keys.insert(try pool.take().publicKeyBase64) }
        let milliseconds = TestSupport.elapsedMilliseconds(since: start)
        print("DKIMKeyPool: 8 takes of ready RSA keys in \(milliseconds) ms")
        #expect(keys.count == 8)
        #expect(milliseconds < 40)  // less than the fastest single RSA-2048 generation seen on this machine
    }
}
