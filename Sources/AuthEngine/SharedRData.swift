import DNSWire
import Synchronization

/// RDATA that many zones hold alike, kept once: the apex NS, MX and SPF sets of every generated zone (and the
/// apex sets that zone files repeat, such as a hosting address) differ only in their owner, so a set at an apex
/// takes its storage from here when an equal one was seen before. A million mail zones would otherwise each keep
/// their own copies of the provider's NS, MX and SPF data.
///
/// At most `capacity` distinct storages are kept, for the life of the process: the first ones seen (a provider's
/// sets come with its first zone); sets seen after that are not kept, only matched.
final class SharedRData: Sendable {
    /// The process's table.
    static let shared = SharedRData(capacity: 4096)

    private let capacity: Int
    private let table = Mutex<[RRSet.Storage: RRSet.Storage]>([:])
    /// The SOA MNAME and RNAME seen (every zone of a provider names the same two hosts), at most `capacity`.
    private let names = Mutex<[Name: Name]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `soa` with its MNAME and RNAME taken from the kept names when equal ones are kept (kept if there is room):
    /// a SOA differs from zone to zone by its serial, but its two names rarely do.
    func intern(_ soa: SOA) -> SOA {
        var shared = soa
        names.withLock { names in
            for keyPath in [\SOA.mname, \SOA.rname] {
                let name = soa[keyPath: keyPath]
                if let kept = names[name] {
                    shared[keyPath: keyPath] = kept
                } else if names.count < capacity {
                    names[name] = name
                }
            }
        }
        return shared
    }

    /// The kept storage equal to `storage`, or `storage` itself (kept if there is room).
    func intern(_ storage: RRSet.Storage) -> RRSet.Storage {
        table.withLock { table in
            if let kept = table[storage] { return kept }
            if table.count < capacity { table[storage] = storage }
            return storage
        }
    }
}
