/// Settings of the responder.
public struct ResponderOptions: Sendable {
    /// The UDP payload size we advertise and accept at most (RFC 6891 section 6.2.5; 1232 avoids fragmentation).
    public var udpPayloadSize: UInt16

    public init(udpPayloadSize: UInt16 = 1232) {
        self.udpPayloadSize = max(512, udpPayloadSize)
    }
}
