/// The open TCP connections, found by descriptor, and kept in idle order: the least recently active first,
/// so both the idle timeout and the eviction at the connection cap look at the oldest connection only.
///
/// The order is a doubly linked list through `TCPConnection.older`/`newer`; `remove` unlinks both sides, so the
/// strong links never outlive a connection's membership. Used only on the TCP event-loop thread.
struct ConnectionTable {
    private var byDescriptor: [Int32: TCPConnection] = [:]
    /// The least recently active connection.
    private(set) var oldest: TCPConnection?
    private var newest: TCPConnection?

    var count: Int { byDescriptor.count }

    /// The connection with descriptor `fd` and serial `serial`, if it is still open.
    func connection(fd: Int32, serial: UInt32) -> TCPConnection? {
        guard let connection = byDescriptor[fd], connection.serial == serial else { return nil }
        return connection
    }

    /// Adds a connection as the most recently active.
    mutating func insert(_ connection: TCPConnection) {
        byDescriptor[connection.fd] = connection
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
