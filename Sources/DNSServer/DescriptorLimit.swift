import Glibc

extension DNSServer {
    /// Raises the soft limit on open descriptors to the hard limit (as far as the system lets an unprivileged
    /// process) and returns the soft limit now in force. Every TCP client costs a descriptor: the connection cap
    /// must stay well inside this, with room for the UDP sockets, the database and the HTTP side.
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > UInt(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
