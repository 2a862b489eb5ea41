import DNSWire

/// The octets a TSIG MAC covers, gathered in the order of RFC 8945 section 4.3: the prior MAC (the request's
/// in an answer, the previous message's in a multi-message answer), the message as it was before its TSIG
/// record was added, then the TSIG variables.
struct MACInput {
    private(set) var bytes: [UInt8] = []

    /// The 2-octet MAC size, then the MAC.
    mutating func appendPriorMAC(_ mac: [UInt8]) {
        append16(UInt16(mac.count), to: &bytes)
        bytes.append(contentsOf: mac)
    }

    /// A message that carries no TSIG record yet: one about to be signed.
    mutating func appendMessage(_ message: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: message)
    }

    /// A received message whose TSIG record starts at `tsigStart`, as it was before the record was added: the
    /// ID put back to `originalID`, ARCOUNT one less, and the record cut off (section 5.2).
    mutating func appendMessage(_ message: UnsafeRawBufferPointer, tsigStart: Int, originalID: UInt16) {
        let additional = UInt16(message[10]) << 8 | UInt16(message[11])
        append16(originalID, to: &bytes)
        bytes.append(contentsOf: message[2 ..< 10])
        append16(additional &- 1, to: &bytes)
        bytes.append(contentsOf: message[Header.size ..< tsigStart])
    }

    mutating func appendVariables(of record: TSIGRecord, timersOnly: Bool) {
        record.appendVariables(to: &bytes, timersOnly: timersOnly)
    }
}

extension TSIGKey {
    /// The full MAC of `input` under this key.
    func mac(_ input: MACInput) -> [UInt8] { algorithm.mac(secret: secret, data: input.bytes) }
}

/// Appends `record` to the finished message `bytes` and counts it in ARCOUNT.
func appendSigned(_ record: TSIGRecord, to bytes: inout [UInt8]) {
    let additional = UInt16(bytes[10]) << 8 | UInt16(bytes[11])
    record.write(to: &bytes)
    bytes[10] = UInt8((additional &+ 1) >> 8)
    bytes[11] = UInt8((additional &+ 1) & 0xFF)
}

/// Appends `record` to the finished message in `writer` and counts it in ARCOUNT.
func appendSigned(_ record: TSIGRecord, to writer: inout MessageWriter) {
    let additional = UInt16(writer.octet(at: 10)) << 8 | UInt16(writer.octet(at: 11))
    var recordBytes: [UInt8] = []
    recordBytes.reserveCapacity(record.wireSize)
    record.write(to: &recordBytes)
    writer.append(recordBytes)
    writer.patchUInt16(additional &+ 1, at: 10)
}
