#!/usr/bin/env python3
"""Concurrent adds, deletes and verifies against the domains API, recording what the server acknowledged, for the
concurrency and durability tests and manual tries on loopback.

  api_storm.py --server 127.0.0.1:8053 --key wm_... --workers 16 --operations 300 \\
      --names overlapping|unique [--seed 1] [--add 0.5 --delete 0.3 --verify 0.2]

WORKERS threads share OPERATIONS requests. An add takes a name: with `overlapping`, from a small pool of names
that equal, contain or lie below each other (s3.storm.example, m.s3.storm.example, ...), so adds race for the same
and for overlapping names; with `unique`, a new name each time. A delete or a verify takes the id of a domain some
add was acknowledged for (a delete may find it gone: 404). A request whose connection fails (the server was
killed) is recorded as not acknowledged; the run goes on until every operation was tried, so it ends soon after the
server dies. Prints one JSON object: the adds acknowledged with 201 (id, name, DKIM value), the ids whose delete
was acknowledged, the ids a delete was sent for without an answer, and every status counted. Loopback only;
standard library only.
"""
import argparse
import http.client
import ipaddress
import json
import random
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--operations", type=int, default=300)
    parser.add_argument("--names", choices=["overlapping", "unique"], default="overlapping")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--add", type=float, default=0.5)
    parser.add_argument("--delete", type=float, default=0.3)
    parser.add_argument("--verify", type=float, default=0.2)
    args = parser.parse_args()
    host, _, port = args.server.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("the server must be a loopback address")

    pool = []
    for index in range(6):
        pool += [f"s{index}.storm.example", f"m.s{index}.storm.example", f"x.m.s{index}.storm.example"]
    pool.append("storm.example")

    lock = threading.Lock()
    remaining = [args.operations]
    known_ids = []
    acked_adds, acked_deletes, unanswered_deletes = [], [], []
    statuses = {}
    counter = [0]

    def request(method, path, body=None):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            headers = {"X-API-Key": args.key, "Content-Type": "application/json", "Connection": "close"}
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, data
        except (OSError, http.client.HTTPException):
            return None, b""
        finally:
            connection.close()

    def worker(number):
        rng = random.Random(args.seed * 1000 + number)
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
                ids = list(known_ids)
                counter[0] += 1
                sequence = counter[0]
            roll = rng.random() * (args.add + args.delete + args.verify)
            if roll < args.add or not ids:
                name = rng.choice(pool) if args.names == "overlapping" else f"d{sequence}.s{args.seed}.burst.example"
                status, data = request("POST", "/api/v1/domains", {"name": name})
                if status == 201:
                    domain = json.loads(data)
                    dkim = next(r["value"] for r in domain["records"] if "_domainkey" in r["name"])
                    with lock:
                        known_ids.append(domain["id"])
                        acked_adds.append({"id": domain["id"], "name": domain["name"], "dkim": dkim})
            elif roll < args.add + args.delete:
                target = rng.choice(ids)
                status, _ = request("DELETE", f"/api/v1/domains/{target}")
                with lock:
                    if status == 200:
                        acked_deletes.append(target)
                    elif status is None:
                        unanswered_deletes.append(target)
            else:
                status, _ = request("POST", f"/api/v1/domains/{rng.choice(ids)}/verify")
            with lock:
                key = str(status) if status is not None else "no answer"
                statuses[key] = statuses.get(key, 0) + 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"acked_adds": acked_adds, "acked_deletes": acked_deletes,
                      "unanswered_deletes": unanswered_deletes, "statuses": statuses}))


if __name__ == "__main__":
    main()
