#if canImport(Glibc)
import Glibc
#endif

/// Facts about the machine and the process's standard streams.
enum System {
    /// The number of online processors.
    static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    fputs(line + "\n", stderr)
}
