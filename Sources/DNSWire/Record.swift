/// A question: the name, type and class asked about.
public struct Question: Hashable, Sendable {
    public var name: Name
    public var type: RecordType
    public var rclass: RecordClass

    public init(name: Name, type: RecordType, rclass: RecordClass = .in) {
        self.name = name
        self.type = type
        self.rclass = rclass
    }
}

/// A resource record.
public struct Record: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var type: RecordType
    public var rclass: RecordClass
    public var ttl: UInt32
    public var rdata: RData

    public init(name: Name, type: RecordType, rclass: RecordClass = .in, ttl: UInt32, rdata: RData) {
        self.name = name
        self.type = type
        self.rclass = rclass
        self.ttl = ttl
        self.rdata = rdata
    }

    /// Master-file presentation: `name TTL class type rdata`.
    public var description: String {
        "\(name) \(ttl) \(rclass) \(type) \(RDataText.format(rdata, type: type))"
    }
}
