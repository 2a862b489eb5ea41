import Foundation

/// Runs blocking work (SQLite transactions) on a dedicated serial queue so that it never occupies a thread of
/// the Swift cooperative pool, which has only as many threads as cores.
public final class BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `work` on the queue and returns its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
