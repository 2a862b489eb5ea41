import Dispatch
import Storage
import Synchronization
import Testing

/// A file database (`DatabasePool`) used from several threads at once.
@Suite struct ConcurrencyTests {
    @Test func concurrentInsertsAllSucceed() throws {
        let folder = TemporaryFolder()
        let database = try Database(path: folder.databasePath)
        let failures = Mutex<[StorageError]>([])
        let threads = 8
        let perThread = 25
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for i in 0..<perThread {
                do {
                    try addDomain(thread * perThread + i, to: database)
                    _ = try database.domains(page: 1, pageSize: 5)  // readers alongside the writers
                } catch {
                    failures.withLock { $0.append(error as? StorageError ?? .other("\(error)")) }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try database.domains(page: 1, pageSize: 1).total == threads * perThread)
        #expect(try database.allDomains().allSatisfy { $0.1.count == 1 })
    }
}
