import Glibc

/// A counting semaphore (POSIX `sem_t`) on which a thread sleeps until another signals it.
/// Signals are counted, so one sent before the sleeper waits is not lost.
package final class WakeSignal: @unchecked Sendable {
    // Safe to share: `sem_t` is made for use by concurrent threads through sem_post/sem_wait, and the
    // pointer itself is immutable; it is initialised in init and destroyed in deinit, when no other
    // reference (so no other thread) can be using it.
    private let semaphore: UnsafeMutablePointer<sem_t>

    package init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Wakes the waiting thread, or the next one to wait.
    package func signal() {
        sem_post(semaphore)
    }

    /// Sleeps until a signal is available and consumes it.
    package func wait() {
        while sem_wait(semaphore) != 0, errno == EINTR {}
    }
}
