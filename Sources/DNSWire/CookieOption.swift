/// The DNS COOKIE option (RFC 7873, option code 10) a server sends: the client's 8-octet cookie echoed and a
/// 16-octet server cookie in the interoperable layout of RFC 9018 (version, 3 reserved octets, a 32-bit
/// timestamp, an 8-octet hash). Held inline: writing it allocates nothing.
public struct CookieOption: Hashable, Sendable {
    public static let code: UInt16 = 10
    /// The octets the option adds to an OPT record: code, length, 8 + 16 octets.
    public static let wireSize = 4 + 8 + 16

    /// The client cookie, big-endian.
    public var client: UInt64
    /// Version (high octet), reserved (the next three) and timestamp (the low 32 bits), big-endian.
    public var serverHead: UInt64
    /// The hash, as its 8 octets read big-endian.
    public var serverHash: UInt64

    public init(client: UInt64, serverHead: UInt64, serverHash: UInt64) {
        self.client = client
        self.serverHead = serverHead
        self.serverHash = serverHash
    }

    /// Writes the option (code, length, data) into OPT RDATA.
    public func write(to writer: inout MessageWriter) {
        writer.appendUInt16(Self.code)
        writer.appendUInt16(24)
        writer.appendUInt64(client)
        writer.appendUInt64(serverHead)
        writer.appendUInt64(serverHash)
    }
}

extension Query {
    /// What a query's COOKIE option holds (RFC 7873 section 5.2.2). Offsets point into the query message.
    public enum CookieRequest: Hashable, Sendable {
        /// A client cookie only (8 octets).
        case client(UInt64)
        /// A client cookie and a server cookie of 8 to 32 octets at `serverOffset` in the message.
        case clientAndServer(UInt64, serverOffset: Int, serverLength: Int)
        /// Shorter than a client cookie, 9 to 15 or more than 40 octets, or a second COOKIE option: FORMERR.
        case malformed
    }
}
