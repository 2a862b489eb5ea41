import Glibc

import CSocketShims

/// An eventfd that one thread signals to wake another out of `poll` or `epoll_wait`: the waiting thread watches
/// `descriptor` for input and drains it once woken. Signals sent before the wait are not lost.
package struct EventSignal: Sendable {
    /// The eventfd, non-blocking, to watch for input.
    package let descriptor: FileDescriptor

    /// Creates the eventfd; `label` names what it wakes in the error.
    package init(label: String) throws(SystemError) {
        let raw = wdns_eventfd()
        guard raw >= 0 else { throw SystemError("eventfd", address: label, code: errno) }
        descriptor = FileDescriptor(raw)
    }

    /// Wakes the waiting thread.
    package func signal() {
        _ = wdns_eventfd_signal(descriptor.raw)
    }

    /// Consumes every signal sent so far, so that the next wait sleeps.
    package func drain() {
        wdns_eventfd_drain(descriptor.raw)
    }
}
