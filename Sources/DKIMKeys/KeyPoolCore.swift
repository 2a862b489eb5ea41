import Platform
import Synchronization

/// The state a `DKIMKeyPool` shares with its filler threads, and their loop.
///
/// Fillers generate while the keys ready and being made number fewer than `capacity`, or fewer than the async
/// callers waiting, and otherwise sleep on `wakeup`, which every take, wait and stop signals. A filler that starts
/// a generation while more are wanted wakes another, so a pool that runs low is refilled on every filler at once.
final class KeyPoolCore: Sendable {
    struct State {
        var ready: [DKIMKeyPair] = []
        /// Callers of `next()` waiting for a key, oldest first.
        var waiters: [CheckedContinuation<DKIMKeyPair, any Error>] = []
        /// Generations in progress.
        var generating = 0
        var stopped = false
        /// Set after a failed generation: the fillers sleep until a take or a wait clears it, instead of retrying
        /// at once.
        var paused = false
    }

    private enum Step { case generate(wakeAnother: Bool), sleep, exit }

    static let stoppedError = CryptoError(operation: "DKIMKeyPool.next", detail: "the pool was stopped")

    let capacity: Int
    let generate: @Sendable () throws(CryptoError) -> DKIMKeyPair
    let state = Mutex(State())
    let wakeup = WakeSignal()

    init(capacity: Int, generate: @escaping @Sendable () throws(CryptoError) -> DKIMKeyPair) {
        self.capacity = capacity
        self.generate = generate
    }

    /// A filler thread's body; returns once the pool is stopped.
    func runFiller() {
        while true {
            switch nextStep() {
            case .exit: return
            case .sleep: wakeup.wait()
            case .generate(let wakeAnother):
                if wakeAnother { wakeup.signal() }
                do { deliver(try generate()) } catch { fail(error) }
            }
        }
    }

    /// Marks the pool stopped and returns the callers still waiting, to be failed outside the lock.
    func markStopped() -> [CheckedContinuation<DKIMKeyPair, any Error>] {
        state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
    }

    private func nextStep() -> Step {
        state.withLock { state in
            if state.stopped { return .exit }
            if state.paused { return .sleep }
            let wanted = max(capacity - state.ready.count, state.waiters.count) - state.generating
            guard wanted > 0 else { return .sleep }
            state.generating += 1
            return .generate(wakeAnother: wanted > 1)
        }
    }

    /// Hands a new key to the oldest waiter, or keeps it if there is room.
    private func deliver(_ key: DKIMKeyPair) {
        let waiter: CheckedContinuation<DKIMKeyPair, any Error>? = state.withLock { state in
            state.generating -= 1
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            if !state.stopped, state.ready.count < capacity { state.ready.append(key) }
            return nil
        }
        waiter?.resume(returning: key)
    }

    /// Fails the waiters that the generations still in flight will not serve (the newest) with the generation
    /// error, and pauses the fillers until the next take or wait.
    private func fail(_ error: CryptoError) {
        let waiters = state.withLock { state in
            state.generating -= 1
            state.paused = true
            let unserved = max(0, state.waiters.count - state.generating)
            defer { state.waiters.removeLast(unserved) }
            return Array(state.waiters.suffix(unserved))
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}
