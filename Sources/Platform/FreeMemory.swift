import CSocketShims

/// Hands the heap's free pages back to the system.
public enum FreeMemory {
    /// Returns the free memory of every malloc arena to the system (`malloc_trim`). Worth a call after a burst of
    /// short-lived allocations on many threads, such as building every zone at start-up: glibc keeps what they
    /// freed in each thread's arena, counted in the process's resident memory until reused.
    public static func release() {
        wdns_release_free_memory()
    }
}
