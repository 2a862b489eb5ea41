import Glibc

/// A joinable POSIX thread running a Swift closure: blocking work off the Swift cooperative pool.
struct PosixThread: Sendable {
    private let id: pthread_t

    /// Starts `body` on a new thread. Traps if the system cannot create a thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> PosixThread {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var id = pthread_t()
        let status = pthread_create(&id, nil, { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            fatalError("pthread_create failed with error \(status)")
        }
        return PosixThread(id: id)
    }

    /// Gives the calling thread nice value 10 (on Linux the nice value is per thread): the scheduler then runs
    /// it only when threads of normal priority, such as the DNS workers, leave the CPU free, or for a small share.
    static func lowerPriority() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    }

    /// Waits for the thread to finish.
    func join() {
        pthread_join(id, nil)
    }
}

/// The closure handed to the new thread through `pthread_create`'s context pointer.
private final class ThreadBody: Sendable {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) {
        self.run = run
    }
}
