/// The EDNS(0) pseudo-record's content (RFC 6891). OPT is not a record here: a message has at most one of these.
public struct EDNS: Hashable, Sendable {
    /// The smallest UDP payload size a client may advertise; smaller values are treated as 512.
    public static let minimumPayload: UInt16 = 512

    /// The requestor's or responder's UDP payload size.
    public var udpPayloadSize: UInt16
    /// The upper 8 bits of the extended RCODE.
    public var extendedRcode: UInt8
    /// The EDNS version.
    public var version: UInt8
    /// The DNSSEC OK bit.
    public var dnssecOK: Bool
    /// Options, kept verbatim (code, data).
    public var options: [Option]
    /// A COOKIE option a server writes after `options`, held inline so a response allocates nothing for it.
    /// Parsing never sets it: a received COOKIE option is among `options`.
    public var cookie: CookieOption?

    /// One EDNS option.
    public struct Option: Hashable, Sendable {
        public var code: UInt16
        public var data: [UInt8]
        public init(code: UInt16, data: [UInt8]) {
            self.code = code
            self.data = data
        }
    }

    public init(udpPayloadSize: UInt16 = 1232, extendedRcode: UInt8 = 0, version: UInt8 = 0, dnssecOK: Bool = false,
                options: [Option] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedRcode = extendedRcode
        self.version = version
        self.dnssecOK = dnssecOK
        self.options = options
    }

    /// Builds the EDNS value from an OPT record's class, TTL and RDATA.
    public init(rclass: UInt16, ttl: UInt32, rdata: [UInt8], offset: Int) throws(WireError) {
        udpPayloadSize = rclass
        extendedRcode = UInt8(ttl >> 24)
        version = UInt8((ttl >> 16) & 0xFF)
        dnssecOK = ttl & 0x8000 != 0
        options = []
        cookie = nil
        var index = 0
        while index < rdata.count {
            guard index + 4 <= rdata.count else { throw WireError(.badOPT, field: "OPT option", offset: offset + index) }
            let code = UInt16(rdata[index]) << 8 | UInt16(rdata[index + 1])
            let length = Int(rdata[index + 2]) << 8 | Int(rdata[index + 3])
            guard index + 4 + length <= rdata.count else {
                throw WireError(.badOPT, field: "OPT option", offset: offset + index)
            }
            options.append(Option(code: code, data: Array(rdata[(index + 4) ..< (index + 4 + length)])))
            index += 4 + length
        }
    }

    /// Writes the OPT pseudo-record (root owner, type 41).
    public func write(to writer: inout MessageWriter) {
        writer.appendUInt8(0)
        writer.appendTypeClassTTL(RecordType.opt.rawValue, udpPayloadSize,
                                  UInt32(extendedRcode) << 24 | UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0))
        writer.appendUInt16(UInt16(wireSize - 11))
        for option in options {
            writer.appendUInt16(option.code)
            writer.appendUInt16(UInt16(option.data.count))
            writer.append(option.data)
        }
        cookie?.write(to: &writer)
    }

    /// The size of the OPT record this value writes.
    public var wireSize: Int {
        11 + options.reduce(0) { $0 + 4 + $1.data.count } + (cookie == nil ? 0 : CookieOption.wireSize)
    }
}
