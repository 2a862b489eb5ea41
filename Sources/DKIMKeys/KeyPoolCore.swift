import Platform
import Synchronization

/// The state a `DKIMKeyPool` shares with its filler thread, and the filler's loop.
///
/// The filler generates while fewer than `capacity` keys are ready or an async caller is waiting, and
/// otherwise sleeps on `wakeup`, which every take, wait and stop signals.
final class KeyPoolCore: Sendable {
    struct State {
        var ready: [DKIMKeyPair] = []
        /// Callers of `next()` waiting for a key, oldest first.
        var waiters: [CheckedContinuation<DKIMKeyPair, any Error>] = []
        var stopped = false
        /// Set after a failed generation: the filler sleeps until the next signal instead of retrying at once.
        var pausedAfterFailure = false
    }

    private enum Step { case generate, sleep, exit }

    static let stoppedError = CryptoError(operation: "DKIMKeyPool.next", detail: "the pool was stopped")

    let capacity: Int
    let generate: @Sendable () throws(CryptoError) -> DKIMKeyPair
    let state = Mutex(State())
    let wakeup = WakeSignal()

    init(capacity: Int, generate: @escaping @Sendable () throws(CryptoError) -> DKIMKeyPair) {
        self.capacity = capacity
        self.generate = generate
    }

    /// The filler thread's body; returns once the pool is stopped.
    func runFiller() {
        while true {
            switch nextStep() {
            case .exit: return
            case .sleep: wakeup.wait()
            case .generate:
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
            if state.pausedAfterFailure {
                state.pausedAfterFailure = false
                return .sleep
            }
            return state.waiters.isEmpty && state.ready.count >= capacity ? .sleep : .generate
        }
    }

    /// Hands a new key to the oldest waiter, or keeps it if there is room.
    private func deliver(_ key: DKIMKeyPair) {
        let waiter: CheckedContinuation<DKIMKeyPair, any Error>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            if !state.stopped, state.ready.count < capacity { state.ready.append(key) }
            return nil
        }
        waiter?.resume(returning: key)
    }

    /// Fails every waiter with the generation error and pauses the filler until it is signalled again.
    private func fail(_ error: CryptoError) {
        let waiters = state.withLock { state in
            state.pausedAfterFailure = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}
