import DNSWire

/// One query, start to finish, on the calling thread: UDP attempts with fresh IDs and sockets, then TCP when the
/// UDP answer is truncated. Blocks; `StubResolver` runs it on a Dispatch thread.
struct BlockingExchange {
    let timeout: Duration
    let retries: Int
    /// The client cookie every query carries, if any.
    var clientCookie: UInt64? = nil

    /// Returns the matching response, whatever its RCODE.
    func run(_ question: Question, server: ResolverAddress, recursionDesired: Bool) throws(LookupFailure) -> Message {
        var malformed: String? = nil
        for _ in 0 ... max(0, retries) {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            switch try udpAttempt(question, server: server, recursionDesired: recursionDesired, until: deadline) {
            case .answer(let message):
                guard message.header.isTruncated else { return message }
                let tcpDeadline = ContinuousClock.now.advanced(by: timeout)
                return try tcp(question, server: server, recursionDesired: recursionDesired, until: tcpDeadline)
            case .nothing(let reason):
                malformed = reason ?? malformed
            }
        }
        if let malformed { throw .malformed(malformed) }
        throw .timeout
    }

    private enum Attempt {
        case answer(Message)
        /// No match before the deadline; the text of a malformed response with our ID, if one came.
        case nothing(String?)
    }

    private func udpAttempt(_ question: Question, server: ResolverAddress, recursionDesired: Bool,
                            until deadline: ContinuousClock.Instant) throws(LookupFailure) -> Attempt {
        let socket = try Socket(for: server, tcp: false)
        let id = BlockingExchange.randomID()
        try socket.send(ResponseMatcher.query(id: id, question: question, recursionDesired: recursionDesired,
                                            clientCookie: clientCookie), to: server)
        var malformed: String? = nil
        while try socket.wait(until: deadline) {
            while let (bytes, source) = try socket.receive() {
                guard source == server else { continue }
                switch ResponseMatcher.check(bytes, id: id, question: question) {
                case .match(let message): return .answer(message)
                case .foreign: continue
                case .malformed(let reason): malformed = reason
                }
            }
        }
        return .nothing(malformed)
    }

    private func tcp(_ question: Question, server: ResolverAddress, recursionDesired: Bool,
                     until deadline: ContinuousClock.Instant) throws(LookupFailure) -> Message {
        let socket = try Socket(for: server, tcp: true)
        try socket.connect(to: server, until: deadline)
        let id = BlockingExchange.randomID()
        let query = ResponseMatcher.query(id: id, question: question, recursionDesired: recursionDesired,
                                            clientCookie: clientCookie)
        try socket.write([UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query, until: deadline)
        while true {
            let prefix = try socket.read(exactly: 2, until: deadline)
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            let bytes = try socket.read(exactly: length, until: deadline)
            switch ResponseMatcher.check(bytes, id: id, question: question) {
            case .match(let message): return message
            case .foreign: continue
            case .malformed(let reason): throw .malformed(reason)
            }
        }
    }

    /// A query ID from the system's secure generator.
    static func randomID() -> UInt16 {
        var generator = SystemRandomNumberGenerator()
        return UInt16.random(in: .min ... .max, using: &generator)
    }
}
