import CPSL

/// The Public Suffix List (publicsuffix.org) through the system libpsl: the names under which anyone may register
/// a name (`co.uk`, `github.io`, `s3.amazonaws.com`). A customer who added one would hold every name below it, and
/// with it every other customer's, so such names are refused.
enum PublicSuffixList {
    /// The newer of the list compiled into libpsl and the one of Debian's `publicsuffix` package, loaded once and
    /// only read afterwards (libpsl's lookups are safe from any thread on a context nobody changes).
    nonisolated(unsafe) private static let list: OpaquePointer? = psl_latest(nil) ?? psl_builtin()

    /// True when `name` (lowercase A-labels, no trailing dot) is itself a listed public suffix, ICANN or private.
    static func isPublicSuffix(_ name: String) -> Bool {
        guard let list else { return false }
        return psl_is_public_suffix2(list, name, wistdns_psl_listed_suffix) != 0
    }
}
