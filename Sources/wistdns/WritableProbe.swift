import AdminAPI
import Storage
import Synchronization

/// The readiness check of the database: can a write transaction begin now? One check runs at a time (each may
/// wait up to SQLite's 5 s busy timeout); a probe that comes while one runs gets the last result at once, so
/// probes never queue up behind a held lock.
final class WritableProbe: Sendable {
    private struct State {
        var running = false
        var checked = false
        var problem: String?
    }

    private let database: Database
    private let queue = BlockingExecutor(label: "wistdns.readiness")
    private let state = Mutex(State())

    init(database: Database) { self.database = database }

    /// Why the database is not writable, or nil when it is.
    func problem() async -> String? {
        let previous = state.withLock { state -> State? in
            if state.running { return state }
            state.running = true
            return nil
        }
        if let previous { return previous.checked ? previous.problem : "database check in progress" }
        let database = self.database
        var problem: String?
        do {
            try await queue.run { try database.checkWritable() }
        } catch {
            problem = "database not writable: \(error)"
        }
        state.withLock { $0 = State(running: false, checked: true, problem: problem) }
        return problem
    }
}
