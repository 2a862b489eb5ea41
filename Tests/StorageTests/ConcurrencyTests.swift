import Dispatch
import Foundation
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

    /// A domain read while its rotations start and end shows keys and rotation of one moment: a rotation in
    /// progress exactly while its new key is only published. Reading the keys and the rotation in two
    /// transactions (the API's GET did once) shows a promoted key beside the rotation that promoted it.
    @Test func domainReadsSeeKeysAndRotationTogether() throws {
        let folder = TemporaryFolder()
        let database = try Database(path: folder.databasePath)
        try addDomain(1, to: database)
        let rounds = 300
        let done = Atomic(false)
        let mismatches = Mutex<[String]>([])
        let reads = Atomic(0)
        let reader = Thread {
            while !done.load(ordering: .acquiring) {
                guard let stored = try? database.storedDomain(id: "dom_1") else { continue }
                reads.add(1, ordering: .relaxed)
                let published = stored.keys.filter { $0.state == .published }.map(\.selector)
                let expected = stored.rotation.map { [$0.newSelector] } ?? []
                if published != expected {
                    mismatches.withLock { $0.append("rotation \(stored.rotation?.newSelector ?? "none"), published \(published)") }
                }
            }
        }
        reader.start()
        var current = "wistmail"
        for round in 1...rounds {
            let next = "s\(round)"
            var key = dkimKey(for: "dom_1", selector: next)
            key.state = .published
            try database.startRotation(DKIMRotationRow(domainID: "dom_1", oldSelector: current, newSelector: next,
                                                       startedAt: april2026, nextCheckAt: april2026), newKey: key)
            #expect(try database.promoteRotation(domainID: "dom_1", now: april2026 + Int64(round)))
            current = next
        }
        done.store(true, ordering: .releasing)
        while !reader.isFinished { usleep(1000) }
        #expect(reads.load(ordering: .relaxed) > 0)
        #expect(mismatches.withLock { Array($0.prefix(5)) } == [])
    }
}
