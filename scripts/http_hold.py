#!/usr/bin/env python3
"""Holds hostile HTTP connections to the domains API while measuring it, for the API-limits tests and manual tries
on loopback.

  http_hold.py --server 127.0.0.1:8053 --key wm_... --trickle-head 500 --idle 50 --trickle-body 20 \\
      --seconds 15 [--dns 127.0.0.1:5300 --dns-name wistfare.net]

Opens TRICKLE_HEAD connections that send a request head one byte a second (slowloris), IDLE connections that
send nothing, and TRICKLE_BODY connections that send a whole head announcing a body and then one body byte a
second. Meanwhile, every 0.5 s, a normal `GET /api/v1/domains` (with KEY) on a new connection, and, with --dns,
a DNS query over TCP. Runs SECONDS, then prints one JSON object: how many hostile connections connected, how
many the server closed and when (the latest close, in seconds after the start), the normal requests' statuses
and latencies (ms), and the DNS-over-TCP answers. Loopback only; standard library only.
"""
import argparse
import ipaddress
import json
import resource
import select
import socket
import struct
import time

HEAD = b"POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: trickle\r\nContent-Type: application/json\r\n"


def normal_request(server, key):
    start = time.monotonic()
    try:
        with socket.create_connection(server, timeout=5) as sock:
            sock.sendall(b"GET /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-API-Key: " + key.encode()
                         + b"\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    except OSError:
        status = 0
    return status, (time.monotonic() - start) * 1000


def dns_over_tcp(server, name):
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    message = struct.pack(">HHHHHH", 0x5151, 0, 1, 0, 0, 0) + wire + struct.pack(">HH", 6, 1)
    try:
        with socket.create_connection(server, timeout=2) as sock:
            sock.sendall(struct.pack(">H", len(message)) + message)
            data = b""
            while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
                chunk = sock.recv(4096)
                if not chunk:
                    return False
                data += chunk
        return data[2:4] == b"\x51\x51" and data[5] & 0x0F == 0
    except OSError:
        return False


def address(text):
    host, _, port = text.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("every address must be on loopback")
    return host, int(port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--trickle-head", type=int, default=0)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--trickle-body", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--dns")
    parser.add_argument("--dns-name", default="wistfare.net")
    args = parser.parse_args()
    server = address(args.server)
    dns = address(args.dns) if args.dns else None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    start = time.monotonic()
    held = {}  # fd -> [socket, kind, bytes sent, closed at]
    kinds = ["head"] * args.trickle_head + ["idle"] * args.idle + ["body"] * args.trickle_body
    for kind in kinds:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex(server)
        held[sock.fileno()] = [sock, kind, 0, None]
    poller = select.poll()
    for fd in held:
        poller.register(fd, select.POLLIN)
    normal, answers = [], []
    next_tick = start
    while time.monotonic() - start < args.seconds:
        now = time.monotonic()
        if now >= next_tick:
            next_tick += 1.0
            for entry in held.values():
                sock, kind, sent, closed = entry
                if closed is not None or kind == "idle":
                    continue
                try:
                    if kind == "head":
                        if sent < len(HEAD):
                            sock.send(HEAD[sent:sent + 1])
                            entry[2] += 1
                    else:
                        if sent == 0:
                            sock.send(HEAD + b"Content-Length: 1000\r\n\r\n")
                        sock.send(b"{")
                        entry[2] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    entry[3] = now - start
            status, latency = normal_request(server, args.key)
            normal.append({"at": round(now - start, 2), "status": status, "ms": round(latency, 2)})
            if dns:
                answers.append(dns_over_tcp(dns, args.dns_name))
        for fd, _ in poller.poll(100):
            entry = held[fd]
            try:
                if entry[0].recv(4096) == b"":
                    entry[3] = time.monotonic() - start
                    poller.unregister(fd)
            except BlockingIOError:
                pass
            except OSError:
                entry[3] = time.monotonic() - start
                poller.unregister(fd)
    result = {"kinds": {}}
    for kind in ("head", "idle", "body"):
        entries = [entry for entry in held.values() if entry[1] == kind]
        closes = [entry[3] for entry in entries if entry[3] is not None]
        result["kinds"][kind] = {"opened": len(entries), "closed_by_server": len(closes),
                                 "last_close_s": round(max(closes), 2) if closes else None}
    latencies = sorted(sample["ms"] for sample in normal)
    result["normal"] = normal
    result["normal_ok"] = sum(1 for sample in normal if sample["status"] == 200)
    result["normal_max_ms"] = latencies[-1] if latencies else None
    result["dns_tcp_ok"] = sum(answers)
    result["dns_tcp_asked"] = len(answers)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
