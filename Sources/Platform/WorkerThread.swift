import Synchronization
import CSocketShims
import Glibc

/// A POSIX thread running one closure, outside the Swift concurrency pool (socket loops and key generation
/// block).
package final class WorkerThread: Sendable {
    private let handle: pthread_t

    /// Starts `body` on a new thread named `name` (at most 15 characters are kept). With `niceness`, the thread
    /// runs at that nice value (on Linux the nice value is per thread): background work such as key generation
    /// then gets the CPU only when threads of normal priority, such as the DNS workers, leave it free.
    package init(name: String, niceness: Int32? = nil, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        handle = try Self.start(name: name, niceness: niceness, body)
    }

    /// Starts `body` like `init`, on a thread that is never joined: its resources go when it returns. For a
    /// thread that ends by itself when what it serves is gone (and may be where that happens).
    package static func detach(name: String, niceness: Int32? = nil,
                               _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        pthread_detach(try start(name: name, niceness: niceness, body))
    }

    private static func start(name: String, niceness: Int32?,
                              _ body: @escaping @Sendable () -> Void) throws(SystemError) -> pthread_t {
        let start = Unmanaged.passRetained(Start(name: name, niceness: niceness, body: body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            if let niceness = start.niceness { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
            wdns_set_thread_name(start.name)
            start.body()
            return nil
        }, start)
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            throw SystemError("pthread_create", address: name, code: result)
        }
        return handle
    }

    /// Waits until the thread has returned. Call it once.
    package func join() {
        pthread_join(handle, nil)
    }

    /// What the new thread runs, passed through `pthread_create`'s context pointer.
    private final class Start: Sendable {
        let name: String
        let niceness: Int32?
        let body: @Sendable () -> Void

        init(name: String, niceness: Int32?, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.niceness = niceness
            self.body = body
        }
    }
}

/// A flag that tells the server's threads to return.
package final class StopFlag: Sendable {
    private let stopped = Atomic<Bool>(false)

    package var isSet: Bool { stopped.load(ordering: .acquiring) }

    package init() {}

    package func set() { stopped.store(true, ordering: .releasing) }
}
