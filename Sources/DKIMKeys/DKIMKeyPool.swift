import CoreMetrics
import Dispatch
import Platform
import Synchronization

/// A bounded pool of keys generated ahead of time on a dedicated background thread (a POSIX thread, not a
/// Swift concurrency task, at a lower priority: nice 10), so that taking a key is instant and RSA generation
/// (40-260 ms) never occupies the cooperative pool nor delays DNS answers.
public final class DKIMKeyPool: Sendable {
    private let core: KeyPoolCore
    private let filler: Mutex<WorkerThread?>

    /// Creates the pool and starts the background filler thread, which fills it up to `capacity` keys.
    public convenience init(algorithm: DKIMAlgorithm = .rsa2048, capacity: Int = 8) {
        let timer = CoreMetrics.Timer(label: "wistdns_dkim_key_generation_seconds",
                                      dimensions: [("algorithm", algorithm.rawValue)], preferredDisplayUnit: .seconds)
        self.init(capacity: capacity) { () throws(CryptoError) in
            let start = DispatchTime.now().uptimeNanoseconds
            defer { timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
            return try DKIMKeyGenerator.generate(algorithm)
        }
    }

    /// Creates a pool whose keys come from `generate` (tests substitute a generator they control).
    init(capacity: Int, generate: @escaping @Sendable () throws(CryptoError) -> DKIMKeyPair) {
        precondition(capacity >= 1, "DKIMKeyPool: capacity must be at least 1")
        let core = KeyPoolCore(capacity: capacity, generate: generate)
        self.core = core
        // Key generation is background work (nice 10): the DNS threads must win the CPU when both want it. A process
        // that cannot make one thread cannot serve either: a failure traps, as it always did.
        filler = Mutex(try! WorkerThread(name: "wistdns-dkim", niceness: 10) { core.runFiller() })
    }

    deinit {
        stop()
    }

    /// Takes a ready key if one is there (instant), otherwise generates one on the calling thread. Wakes the filler.
    /// After `stop()` it still works, always generating on the calling thread.
    public func take() throws(CryptoError) -> DKIMKeyPair {
        let key = core.state.withLock { $0.ready.popLast() }
        core.wakeup.signal()
        if let key { return key }
        return try core.generate()
    }

    /// An async variant that never blocks the Swift cooperative pool: if no key is ready, it waits (with a
    /// continuation resumed by the filler thread) for the next generated key.
    ///
    /// Throws the `CryptoError` of a failed generation, or a `CryptoError` if the pool is stopped while
    /// waiting or before the call. Task cancellation does not end the wait early; it lasts at most one generation.
    public func next() async throws -> DKIMKeyPair {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<DKIMKeyPair, CryptoError>? = core.state.withLock { state in
                if let key = state.ready.popLast() { return .success(key) }
                if state.stopped { return .failure(KeyPoolCore.stoppedError) }
                state.waiters.append(continuation)
                return nil
            }
            core.wakeup.signal()
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// How many keys are ready to take now.
    public var readyCount: Int {
        core.state.withLock { $0.ready.count }
    }

    /// Stops the filler thread and waits for it to finish (at most one generation in progress) and fails the
    /// waiting `next()` callers. Keys already ready can still be taken. Safe to call more than once; deinit calls it.
    public func stop() {
        for waiter in core.markStopped() { waiter.resume(throwing: KeyPoolCore.stoppedError) }
        core.wakeup.signal()
        filler.withLock { $0.take() }?.join()
    }
}
