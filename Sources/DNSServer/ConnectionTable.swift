import DNSWire

/// The open TCP connections, found by descriptor, and kept in idle order: the least recently active first,
/// so both the idle timeout and the eviction at the connection cap look at the oldest connection only.
///
/// The order is a doubly linked list through `TCPConnection.older`/`newer`; `remove` unlinks both sides, so the
/// strong links never outlive a connection's membership. Used only on the TCP event-loop thread.
struct ConnectionTable {
    private var byDescriptor: [Int32: TCPConnection] = [:]
    /// Open connections per source (`TCPConnection.source`; unknown sources are not counted).
    private var perSource: [ClientAddress: Int] = [:]
    /// The least recently active connection.
    private(set) var oldest: TCPConnection?
    private var newest: TCPConnection?

    var count: Int { byDescriptor.count }

    /// The connection with descriptor `fd` and serial `serial`, if it is still open.
    func connection(fd: Int32, serial: UInt32) -> TCPConnection? {
        guard let connection = byDescriptor[fd], connection.serial == serial else { return nil }
        return connection
    }

    /// The open connections from `source`.
    func count(from source: ClientAddress?) -> Int {
        source.map { perSource[$0] ?? 0 } ?? 0
    }

    /// The connection to close for a newcomer at the cap: the least recently active one of the source holding
    /// the most connections, never one in a zone transfer; when that source has only transfers, the least
    /// recently active connection not in a transfer; nil when every connection is in one.
    func evictionCandidate() -> TCPConnection? {
        let greediest = perSource.max { $0.value < $1.value }?.key
        var fallback: TCPConnection?
        var candidate = oldest
        while let connection = candidate {
            if !connection.inTransfer {
                if connection.source == greediest { return connection }
                if fallback == nil { fallback = connection }
            }
            candidate = connection.newer
        }
        return fallback
    }

    /// Adds a connection as the most recently active.
    mutating func insert(_ connection: TCPConnection) {
        byDescriptor[connection.fd] = connection
        if let source = connection.source { perSource[source, default: 0] += 1 }
        append(connection)
    }

    /// Marks `connection` active at `now`: it moves to the end of the idle order.
    mutating func touch(_ connection: TCPConnection, now: UInt64) {
        connection.lastActivity = now
        guard newest !== connection else { return }
        unlink(connection)
        append(connection)
    }

    /// Removes a connection (the caller closes its descriptor).
    mutating func remove(_ connection: TCPConnection) {
        guard byDescriptor[connection.fd] === connection else { return }
        byDescriptor[connection.fd] = nil
        if let source = connection.source {
            let remaining = (perSource[source] ?? 1) - 1
            perSource[source] = remaining > 0 ? remaining : nil
        }
        unlink(connection)
    }

    /// Every open connection.
    var all: Dictionary<Int32, TCPConnection>.Values { byDescriptor.values }

    private mutating func append(_ connection: TCPConnection) {
        connection.older = newest
        connection.newer = nil
        newest?.newer = connection
        newest = connection
        if oldest == nil { oldest = connection }
    }

    private mutating func unlink(_ connection: TCPConnection) {
        if let older = connection.older { older.newer = connection.newer } else { oldest = connection.newer }
        if let newer = connection.newer { newer.older = connection.older } else { newest = connection.older }
        connection.older = nil
        connection.newer = nil
    }
}
