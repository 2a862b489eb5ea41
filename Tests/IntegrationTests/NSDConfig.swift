import Foundation

/// The `server:` and `remote-control:` sections of an nsd.conf for a test NSD: one process on one loopback
/// address, every file it writes inside `folder`, response rate limiting off (Debian's NSD limits to 200 qps
/// per source by default), no remote control. The caller appends its `zone:` sections.
func nsdServerSections(folder: URL, host: String, port: Int, verbosity: Int = 1) -> String {
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    return """
        server:
            ip-address: \(host)@\(port)
            do-ip4: yes
            do-ip6: no
            server-count: 1
            reuseport: no
            username: ""
            chroot: ""
            zonesdir: "\(folder.path)"
            database: ""
            zonelistfile: "\(path("zone.list"))"
            pidfile: "\(path("nsd.pid"))"
            xfrdfile: "\(path("xfrd.state"))"
            xfrdir: "\(path("xfr"))"
            logfile: "\(path("nsd.log"))"
            verbosity: \(verbosity)
            hide-version: yes
            rrl-ratelimit: 0
            rrl-whitelist-ratelimit: 0

        remote-control:
            control-enable: no

        """
}
