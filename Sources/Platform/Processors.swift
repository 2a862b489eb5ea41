import Glibc

/// The machine's processors, for sizing work that uses every core.
public enum Processors {
    /// The number of online processors (at least 1).
    public static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
