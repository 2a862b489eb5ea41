#!/usr/bin/env python3
"""WistDNS with N domains of the domains API: start-up, memory, add latency and CPU per query.

Fills a fresh database with N domains (d0000001.api.bench.test ...) straight through SQLite, fast: every
domain is verified, never due for a check, and has one RSA DKIM key taken from a pool of 50 real keys
(scripts/bench_helper.py's, in bench-out/keys). The rows are benchmark data only: the database says so in a
table of its own (benchmark_only) and no code path of the server makes or reads them differently. Then it
starts the release binary twice on that database (the first start writes each zone's stored version, as a
server does once after an import; the second is an ordinary restart) and reports for each the time until the
last domain's SOA answers, and after the second the PSS, with dnsperf the CPU per answered query for the mix of
scripts/bench over the API's zones, and the latency of paced adds (scripts/bench_api.py's series).
Loopback only.

  scripts/bench_api_zones.py --zones 100000 [--seconds 10] [--adds 20] [--workers 2] [--binary PATH]
"""
import argparse, os, random, re, shutil, signal, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_api  # noqa: E402
import bench_helper  # noqa: E402

PARENT = "api.bench.test"  # .test is reserved (RFC 6761)
SELECTOR = "wistmail"
# The query mix of scripts/bench, over the API's zones (the SPF and DMARC records are the server's own).
QUERY_MIX = [("dkim", 20), ("mx", 25), ("spf", 20), ("dmarc", 15), ("nxdomain", 10), ("soa", 10)]


def name(i):
    return f"d{i:07d}.{PARENT}"


def query_for(kind, zone, rng):
    return {
        "dkim": (f"{SELECTOR}._domainkey.{zone}", "TXT"), "mx": (zone, "MX"), "spf": (zone, "TXT"),
        "dmarc": (f"_dmarc.{zone}", "TXT"), "soa": (zone, "SOA"),
        "nxdomain": (f"s{rng.randrange(1_000_000):06d}._domainkey.{zone}", "TXT"),
    }[kind]


def pss_kb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))


def fill(database, count, keydir):
    """N domains with keys from the pool, in one transaction; returns the seconds it took."""
    pubs = bench_helper.make_key_pool(keydir, bench_helper.KEY_POOL)
    pems = []
    for k in range(bench_helper.KEY_POOL):
        with open(os.path.join(keydir, f"key{k:02d}.pem")) as f:
            pems.append(f.read())
    started = time.monotonic()
    now = int(time.time() * 1000)
    db = sqlite3.connect(database)
    with db:
        db.execute("CREATE TABLE benchmark_only (note TEXT NOT NULL)")
        db.execute("INSERT INTO benchmark_only VALUES (?)", (
            f"filled by scripts/bench_api_zones.py: {count} domains under {PARENT} sharing "
            f"{len(pubs)} DKIM keys; benchmark data, never a customer's",))
        db.executemany(
            "INSERT INTO domains (id, name, status, mx_verified, spf_verified, dkim_verified, dmarc_verified, serial,"
            " created_at, updated_at, last_checked_at) VALUES (?, ?, 'verified', 1, 1, 1, 1, 1, ?, ?, ?)",
            ((f"dom_bench{i:08d}", name(i), now, now, now) for i in range(1, count + 1)))
        db.executemany(
            "INSERT INTO dkim_keys (domain_id, selector, algorithm, private_key_pem, public_key, created_at)"
            " VALUES (?, ?, 'rsa', ?, ?, ?)",
            ((f"dom_bench{i:08d}", SELECTOR, pems[i % len(pems)], pubs[i % len(pubs)], now)
             for i in range(1, count + 1)))
        db.executemany("INSERT INTO zone_serials (name, serial) VALUES (?, 1)", ((name(i),) for i in range(1, count + 1)))
        # Verified, and no check ever due (NULL): the server sends no verification query during the benchmark.
        db.executemany(
            "INSERT INTO verification_state (domain_id, next_check_at, attempts, verified_at) VALUES (?, NULL, 0, ?)",
            ((f"dom_bench{i:08d}", now) for i in range(1, count + 1)))
    db.close()
    return time.monotonic() - started


class Server:
    def __init__(self, binary, folder, database, workers, label):
        self.dns_port, self.api_port = random.randint(20000, 40000), random.randint(40001, 60000)
        self.log = open(os.path.join(folder, f"{label}.log"), "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [binary, "serve", "--zones", os.path.join(folder, "zones"), "--db", database, "--workers", str(workers),
             "--dns-listen", f"127.0.0.1:{self.dns_port}", "--api-listen", f"127.0.0.1:{self.api_port}",
             # 8 keys made ahead, not 64: their generation (at nice 10, but CPU of the process all the same) is over
             # before the measurements.
             "--rrl-rate", "0", "--log-level", "warning", "--dkim-key-pool", "8"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def wait_serving(self, last, timeout):
        """Seconds from the start until `last` answers SOA."""
        while time.monotonic() - self.started < timeout:
            if self.process.poll() is not None:
                sys.exit(f"the server exited while starting: see {self.log.name}")
            try:
                rcode, _ = bench_api.dns_query(last, 6, self.dns_port, timeout=0.2)
                if rcode == 0:
                    return time.monotonic() - self.started
            except OSError:  # refused until the server listens (only once every zone is served)
                pass
            time.sleep(0.02)
        sys.exit(f"{last} did not answer within {timeout} s")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, required=True)
    parser.add_argument("--binary", default=".build/release/wistdns")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10, help="dnsperf run length (0 skips)")
    parser.add_argument("--adds", type=int, default=20, help="adds paced at 4/s after the restart (0 skips)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a start may take")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "bench-out")
    folder = tempfile.mkdtemp(prefix="wistdns-api-zones-")
    os.makedirs(os.path.join(folder, "zones"))  # no zone files: only the API's domains
    database = os.path.join(folder, "wistdns.sqlite")
    try:
        created = subprocess.run([args.binary, "keys", "create", "--db", database, "--name", "bench",
                                  "--scope", "domains:manage"], check=True, capture_output=True, text=True).stdout
        key = re.search(r"wm_[0-9A-Za-z]{32}", created).group(0)
        seconds = fill(database, args.zones, os.path.join(out, "keys"))
        print(f"filled {args.zones} domains in {seconds:.1f} s ({os.path.getsize(database) / 1e6:.0f} MB database)")
        last = name(args.zones)

        first = Server(args.binary, folder, database, args.workers, "first-start")
        print(f"first start (writes every zone's stored version): last zone answers after "
              f"{first.wait_serving(last, args.timeout):.2f} s")
        first.stop()

        server = Server(args.binary, folder, database, args.workers, "restart")
        print(f"restart: last zone answers after {server.wait_serving(last, args.timeout):.2f} s")
        time.sleep(3)  # the key pool fills
        print(f"PSS after the restart: {pss_kb(server.process.pid) / 1024:.0f} MiB "
              f"({pss_kb(server.process.pid) * 1024 / args.zones:.0f} bytes per domain, the process's own base included)")
        if args.seconds and shutil.which("dnsperf"):
            rng = random.Random(20240101)
            kinds, weights = [k for k, _ in QUERY_MIX], [w for _, w in QUERY_MIX]
            queries = os.path.join(folder, "queries.txt")
            with open(queries, "w") as f:
                for _ in range(100_000):
                    qname, qtype = query_for(rng.choices(kinds, weights)[0], name(rng.randrange(1, args.zones + 1)), rng)
                    f.write(f"{qname} {qtype}\n")
            before = bench_api.cpu_seconds(server.process.pid)
            perf = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", str(server.dns_port), "-d", queries, "-c", "10",
                                   "-e", "-l", str(args.seconds)], capture_output=True, text=True).stdout
            cpu = bench_api.cpu_seconds(server.process.pid) - before
            completed = int(re.search(r"Queries completed:\s+(\d+)", perf).group(1))
            qps = float(re.search(r"Queries per second:\s+([\d.]+)", perf).group(1))
            print(f"dnsperf {args.seconds} s: {qps:.0f} qps, {cpu * 1e6 / max(completed, 1):.2f} CPU us per answered query")
        if args.adds:
            bench_api.run_series("paced at 4/s", args.adds, 0.25, server.api_port, server.dns_port, key, "p",
                                 server.process.pid, catalog="catalog.invalid")
        server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
