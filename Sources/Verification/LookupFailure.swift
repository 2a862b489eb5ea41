/// Why a stub query produced no usable response.
public enum LookupFailure: Error, Sendable, Equatable {
    /// No matching response arrived before the timeout, on any attempt.
    case timeout
    /// The server answered SERVFAIL.
    case servfail
    /// The server answered REFUSED.
    case refused
    /// The server answered another error code (FORMERR, NOTIMP, ...).
    case rcode(UInt16)
    /// A socket call failed; the text says which and why.
    case network(String)
    /// A response with the right ID and source could not be decoded.
    case malformed(String)
}
