/// How a message travels. It decides the size limit of a response: UDP answers are bounded by 512 octets or the
/// EDNS payload size and truncated with TC, TCP answers may use up to 65535 octets (RFC 7766).
public enum Transport: Sendable, Hashable {
    case udp
    case tcp
}
