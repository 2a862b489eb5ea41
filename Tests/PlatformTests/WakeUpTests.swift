import Glibc
import Platform
import Synchronization
import Testing

/// The wake-ups threads use: an eventfd that `poll` sees, a semaphore that counts, threads (joined or detached)
/// with their nice value.
@Suite struct WakeUpTests {
    @Test func eventSignalWakesPollUntilDrained() throws {
        let signal = try EventSignal(label: "test")
        #expect(poll(signal) == 0, "not signalled yet")
        signal.signal()
        signal.signal()
        #expect(poll(signal) == 1)
        signal.drain()
        #expect(poll(signal) == 0, "one drain takes every signal")
    }

    @Test func wakeSignalCountsSignalsSentBeforeTheWait() throws {
        let wake = WakeSignal()
        let woken = Atomic(0)
        wake.signal()
        wake.signal()
        let thread = try WorkerThread(name: "test-wake") {
            wake.wait()
            wake.wait()
            woken.store(2, ordering: .releasing)
        }
        thread.join()
        #expect(woken.load(ordering: .acquiring) == 2)
    }

    @Test func detachedThreadRunsWithItsNameAndNiceValue() throws {
        errno = 0
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let seen = Mutex<(String, Int32)?>(nil)
        let done = WakeSignal()
        try WorkerThread.detach(name: "test-detached", niceness: 7) {
            var name = [UInt8](repeating: 0, count: 16)
            let fd = open("/proc/thread-self/comm", O_RDONLY)
            let count = read(fd, &name, name.count)
            close(fd)
            errno = 0
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            seen.withLock { $0 = (String(decoding: name.prefix(max(0, count - 1)), as: UTF8.self), nice) }
            done.signal()
        }
        done.wait()
        let (name, nice) = try #require(seen.withLock { $0 })
        #expect(name == "test-detached")
        #expect(nice == max(base, 7), "a process already nicer than 7 cannot go back without privilege")
    }

    private func poll(_ signal: EventSignal) -> Int32 {
        var pfd = pollfd(fd: signal.descriptor.raw, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&pfd, 1, 0)
    }
}
