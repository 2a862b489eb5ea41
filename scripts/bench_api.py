#!/usr/bin/env python3
"""Measures the domains API's add latency and the time from its 201 to the first correct DNS answer.

Starts `wistdns serve` (release build) on loopback with a fresh database, adds N domains with
POST /api/v1/domains, and after each 201 queries the new zone's DKIM TXT over UDP until the answer
carries the value the API returned. Prints p50/p90/p99/max of both, for back-to-back adds and for
adds paced at a fixed rate. Loopback only.
"""
import argparse, json, os, random, re, shutil, socket, struct, subprocess, sys, tempfile, threading, time, urllib.request


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def wire_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"


def exchange(name, qtype, port, timeout=1.0):
    """One UDP query to 127.0.0.1:port with EDNS 1232; returns the response's bytes. The socket is connected, so a
    port nobody listens on yet fails at once (ConnectionRefusedError) instead of after `timeout`: a start polled
    this way is measured to the poll, not to the next whole second."""
    ident = random.randint(0, 65535)
    header = struct.pack(">HHHHHH", ident, 0, 1, 0, 0, 1)
    opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
        sock.send(header + wire_name(name) + struct.pack(">HH", qtype, 1) + opt)
        return sock.recv(65535)
    finally:
        sock.close()


def catalog_owner(member, catalog):
    """The owner of `member`'s PTR in the catalog zone `catalog`: its id, the 64-bit FNV-1a hash of the lowercased
    wire name (CatalogZone.memberID), as 16 hex digits, under zones. (A member whose id collided would have
    another: never seen with a handful of adds.)"""
    value = 0xCBF29CE484222325
    for byte in wire_name(member.lower()):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}.zones.{catalog}"


def dns_query(name, qtype, port, timeout=1.0):
    """One UDP query to 127.0.0.1:port with EDNS 1232; returns (rcode, [TXT values joined])."""
    data = exchange(name, qtype, port, timeout)
    qname = wire_name(name)
    rcode = data[3] & 0x0F
    ancount = struct.unpack(">H", data[6:8])[0]
    offset = 12 + len(qname) + 4
    values = []
    for _ in range(ancount):
        while data[offset] != 0 and data[offset] & 0xC0 != 0xC0:
            offset += 1 + data[offset]
        offset += 2 if data[offset] & 0xC0 == 0xC0 else 1
        rtype, _, _, rdlength = struct.unpack(">HHIH", data[offset:offset + 10])
        offset += 10
        rdata = data[offset:offset + rdlength]
        offset += rdlength
        if rtype == 16:
            parts, i = [], 0
            while i < len(rdata):
                parts.append(rdata[i + 1:i + 1 + rdata[i]].decode())
                i += 1 + rdata[i]
            values.append("".join(parts))
    return rcode, values


def add_domain(api_port, key, name):
    request = urllib.request.Request(
        f"http://127.0.0.1:{api_port}/api/v1/domains", method="POST",
        data=json.dumps({"name": name}).encode(),
        headers={"X-API-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read())


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe(threading.Thread):
    """Queries `name` SOA every 2 ms while the adds run: how the DNS side answers other zones meanwhile."""

    def __init__(self, name, port):
        super().__init__(daemon=True)
        self.name, self.port, self.latencies, self.running = name, port, [], True

    def run(self):
        while self.running:
            started = time.perf_counter()
            dns_query(self.name, 6, self.port)
            self.latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.002)

    def report(self):
        self.running = False
        self.join()
        values = self.latencies
        print(f"  probe: {len(values)} queries for {self.name} SOA meanwhile, p50 {percentile(values, .5):.2f} ms  "
              f"p99 {percentile(values, .99):.2f} ms  p99.9 {percentile(values, .999):.2f} ms  max {max(values):.2f} ms")


def run_series(label, count, interval, api_port, dns_port, key, prefix, pid, probe_name=None, catalog=None):
    """Adds `count` domains `interval` s apart; reports the POST latency, the time from the 201 to the first
    correct DKIM answer and, with `catalog` (the catalog zone's name), to the member's PTR in the catalog."""
    adds, visible, listed = [], [], []
    cpu_before = cpu_seconds(pid)
    probe = Probe(probe_name, dns_port) if probe_name else None
    if probe:
        probe.start()
    for index in range(count):
        name = f"{prefix}{index:04d}.bench-api.test"
        started = time.perf_counter()
        status, body = add_domain(api_port, key, name)
        created = time.perf_counter()
        if status != 201:
            sys.exit(f"{name}: HTTP {status}")
        dkim = next(r["value"] for r in body["records"] if "_domainkey" in r["name"])
        while True:
            rcode, values = dns_query("wistmail._domainkey." + name, 16, dns_port)
            if rcode == 0 and dkim in values:
                break
            if time.perf_counter() - created > 5:
                sys.exit(f"{name}: no correct DNS answer 5 s after the 201")
        answered = time.perf_counter()
        adds.append((created - started) * 1000)
        visible.append((answered - created) * 1000)
        if catalog:
            owner = catalog_owner(name, catalog)
            while struct.unpack(">H", exchange(owner, 12, dns_port)[6:8])[0] == 0:
                if time.perf_counter() - created > 60:
                    sys.exit(f"{name}: not in the catalog 60 s after the 201")
                time.sleep(0.002)
            listed.append((time.perf_counter() - created) * 1000)
        if interval:
            time.sleep(max(0.0, interval - (time.perf_counter() - started)))
    time.sleep(0.2)  # the catalog rebuild that follows the last add
    cpu = (cpu_seconds(pid) - cpu_before) * 1000 / count
    print(f"{label}: {count} adds, server CPU {cpu:.1f} ms per add (RSA-2048 key generation included)")
    series = [("POST /api/v1/domains latency", adds), ("201 -> first correct DNS answer", visible)]
    if catalog:
        series.append(("201 -> PTR in the catalog zone", listed))
    for title, values in series:
        print(f"  {title:34s} p50 {percentile(values, .5):7.2f} ms  p90 {percentile(values, .9):7.2f} ms  "
              f"p99 {percentile(values, .99):7.2f} ms  max {max(values):7.2f} ms")
    if probe:
        probe.report()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/wistdns")
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--rate", type=float, default=4.0, help="adds per second in the paced series")
    parser.add_argument("--pool", type=int, default=64, help="DKIM keys generated ahead (--dkim-key-pool)")
    parser.add_argument("--probe", metavar="NAME", help="also query NAME SOA every 2 ms during the paced adds "
                        "(a zone of --zones) and report those latencies")
    parser.add_argument("--zones", help="zones folder to serve beside the API's domains (default: the repository's "
                        "zones/); with many zones, each add also rebuilds a large catalog zone")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="wistdns-bench-api-")
    dns_port, api_port = random.randint(20000, 40000), random.randint(40001, 60000)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    command = [args.binary, "serve", "--zones", args.zones or os.path.join(root, "zones"), "--db", os.path.join(folder, "db.sqlite"),
               "--dns-listen", f"127.0.0.1:{dns_port}", "--api-listen", f"127.0.0.1:{api_port}",
               "--dkim-key-pool", str(args.pool), "--log-level", "warning",
               # The probe asks one name every 2 ms from loopback: more than rate limiting lets through.
               "--rrl-rate", "0"]
    print("command:", " ".join(command))
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        key = None
        deadline = time.time() + 30
        while key is None and time.time() < deadline:
            line = server.stdout.readline()
            match = re.search(r"wm_[0-9A-Za-z]{32}", line)
            key = match.group(0) if match else None
        if key is None:
            sys.exit("the server printed no API key")
        time.sleep(max(2.0, args.pool * 0.15))  # let the key pool fill, as on a server that has been up a while
        run_series(f"paced at {args.rate:g}/s", args.adds, 1.0 / args.rate, api_port, dns_port, key, "p", server.pid,
                   args.probe)
        time.sleep(max(2.0, args.pool * 0.15))
        run_series("back to back", args.adds, 0, api_port, dns_port, key, "b", server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
