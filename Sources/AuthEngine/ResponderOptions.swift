/// Settings of the responder.
public struct ResponderOptions: Sendable {
    /// The UDP payload size we advertise and accept at most (RFC 6891 section 6.2.5; 1232 avoids fragmentation).
    public var udpPayloadSize: UInt16
    /// The client addresses (4 octets for IPv4, 16 for IPv6) that may transfer zones with AXFR over TCP.
    /// Empty (the default): every transfer is refused.
    public var allowTransfer: Set<[UInt8]>

    public init(udpPayloadSize: UInt16 = 1232, allowTransfer: Set<[UInt8]> = []) {
        self.udpPayloadSize = max(512, udpPayloadSize)
        self.allowTransfer = allowTransfer
    }
}
