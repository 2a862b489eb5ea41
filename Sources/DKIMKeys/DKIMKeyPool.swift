import CoreMetrics
import Dispatch
import Platform
import Synchronization

/// A bounded pool of keys generated ahead of time on background threads (POSIX threads, not Swift concurrency
/// tasks, at a lower priority: nice 10), so that taking a key is instant and RSA generation (40-260 ms) never
/// occupies the cooperative pool nor delays DNS answers. There is a filler thread per core: a pool that runs low
/// (a burst of adds) is refilled on every core at once, still below the DNS threads.
public final class DKIMKeyPool: Sendable {
    private let core: KeyPoolCore
    private let fillerCount: Int
    /// The filler threads; nil until they are started, empty once stopped.
    private let fillers = Mutex<[WorkerThread]?>(nil)

    /// Creates the pool with `fillers` background threads, which fill it up to `capacity` keys. With
    /// `startFilling` false the threads start only at `startFilling()` (a server starts them once its zones are
    /// served, so that key generation does not compete with the start).
    public convenience init(algorithm: DKIMAlgorithm = .rsa2048, capacity: Int = 8, fillers: Int = Processors.online,
                            startFilling: Bool = true) {
        let timer = CoreMetrics.Timer(label: "wistdns_dkim_key_generation_seconds",
                                      dimensions: [("algorithm", algorithm.rawValue)], preferredDisplayUnit: .seconds)
        self.init(capacity: capacity, fillers: fillers, startFilling: startFilling) { () throws(CryptoError) in
            let start = DispatchTime.now().uptimeNanoseconds
            defer { timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
            return try DKIMKeyGenerator.generate(algorithm)
        }
    }

    /// Creates a pool whose keys come from `generate` (tests substitute a generator they control).
    init(capacity: Int, fillers: Int = 1, startFilling: Bool = true,
         generate: @escaping @Sendable () throws(CryptoError) -> DKIMKeyPair) {
        precondition(capacity >= 1, "DKIMKeyPool: capacity must be at least 1")
        precondition(fillers >= 1, "DKIMKeyPool: at least one filler thread")
        core = KeyPoolCore(capacity: capacity, generate: generate)
        fillerCount = fillers
        if startFilling { self.startFilling() }
    }

    /// Starts the filler threads (once; not after `stop()`).
    public func startFilling() {
        let core = self.core
        fillers.withLock { threads in
            guard threads == nil else { return }
            // Key generation is background work (nice 10): the DNS threads must win the CPU when both want it. A
            // process that cannot make a thread cannot serve either: a failure traps, as it always did.
            threads = (0..<fillerCount).map { _ in
                try! WorkerThread(name: "wistdns-dkim", niceness: 10) { core.runFiller() }
            }
        }
    }

    deinit {
        stop()
    }

    /// Takes a ready key if one is there (instant), otherwise generates one on the calling thread. Wakes the filler.
    /// After `stop()` it still works, always generating on the calling thread.
    public func take() throws(CryptoError) -> DKIMKeyPair {
        let key = core.state.withLock { state in
            state.paused = false
            return state.ready.popLast()
        }
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
                state.paused = false
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

    /// Stops the filler threads and waits for them to finish (at most one generation in progress each) and fails
    /// the waiting `next()` callers. Keys already ready can still be taken. Safe to call more than once; deinit
    /// calls it.
    public func stop() {
        for waiter in core.markStopped() { waiter.resume(throwing: KeyPoolCore.stoppedError) }
        let threads = fillers.withLock { threads in
            defer { threads = [] }
            return threads ?? []
        }
        for _ in threads { core.wakeup.signal() }
        for thread in threads { thread.join() }
    }
}
