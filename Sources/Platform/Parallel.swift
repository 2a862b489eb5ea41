import Dispatch
import Synchronization

/// Work spread over every core.
public enum Parallel {
    /// `body` of every item, on every core (`Processors.online` threads, each taking the next item); the results
    /// in the items' order. `leading`, when given, runs first on one more thread, beside the others (which may wait
    /// for its progress).
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], leading: (@Sendable () -> Void)? = nil,
                                                             _ body: @Sendable (Item) -> Result) -> [Result] {
        guard !items.isEmpty else {
            leading?()
            return []
        }
        let next = Atomic(0)
        let threads = min(Processors.online, items.count) + (leading == nil ? 0 : 1)
        return [Result](unsafeUninitializedCapacity: items.count) { buffer, count in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                if thread == 0, let leading {
                    leading()
                    return
                }
                while case let index = next.add(1, ordering: .relaxed).oldValue, index < items.count {
                    (slots.base + index).initialize(to: body(items[index]))
                }
            }
            count = items.count
        }
    }

    /// A results buffer that every core writes, each at indices no other writes.
    private struct Slots<Result>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Result>
    }
}
