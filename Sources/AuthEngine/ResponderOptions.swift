import DNSWire
import TSIG

/// Settings of the responder.
public struct ResponderOptions: Sendable {
    /// The UDP payload size we advertise and accept at most (RFC 6891 section 6.2.5; 1232 avoids fragmentation).
    public var udpPayloadSize: UInt16
    /// The client addresses (4 octets for IPv4, 16 for IPv6) that may transfer zones (AXFR, IXFR) over TCP.
    public var allowTransfer: Set<[UInt8]>
    /// The TSIG keys (RFC 8945) requests may be signed with: a signed request is verified and its answer signed.
    /// Empty (the default): every signed request is answered with BADKEY.
    public var keyring: TSIGKeyring
    /// The keys (lowercased names) whose validly signed requests may transfer zones over TCP from any address.
    /// With `allowTransfer` empty too (the default), every transfer is refused.
    public var transferKeys: Set<Name>

    public init(udpPayloadSize: UInt16 = 1232, allowTransfer: Set<[UInt8]> = [], keyring: TSIGKeyring = TSIGKeyring(),
                transferKeys: Set<Name> = []) {
        self.udpPayloadSize = max(512, udpPayloadSize)
        self.allowTransfer = allowTransfer
        self.keyring = keyring
        self.transferKeys = Set(transferKeys.map { $0.lowercased() })
    }

    /// Whether a transfer may go to a TCP client at `peer` (nil when unknown) whose request was validly signed
    /// with the key named `key` (nil when unsigned): either is enough.
    func allowsTransfer(from peer: [UInt8]?, signedWith key: Name?) -> Bool {
        if let peer, allowTransfer.contains(peer) { return true }
        if let key, transferKeys.contains(key.lowercased()) { return true }
        return false
    }
}
