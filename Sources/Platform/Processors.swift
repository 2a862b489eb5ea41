import CSocketShims
import Glibc

/// The machine's processors, for sizing work that uses every core.
public enum Processors {
    /// The number of processors this process may run on (at least 1): its CPU affinity (`taskset`, a cpuset of a
    /// container or a systemd `CPUAffinity=`), else the online processors. A CPU quota (`cpu.max`) is not counted.
    public static var online: Int {
        let allowed = Int(wdns_cpus_allowed())
        return max(1, allowed > 0 ? allowed : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
