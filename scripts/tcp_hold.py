#!/usr/bin/env python3
"""Holds many idle TCP connections to a DNS server from one source while measuring it, for fair-TCP tests and
manual tries on loopback.

  tcp_hold.py --server 127.0.0.1:5300 --connections 3000 --source 127.0.0.1 \\
      --probe-source 127.1.0.1 --name wistfare.net --seconds 3

Opens the connections as fast as it can (non-blocking connects; a SYN dropped from a full accept queue is
retried after a second, so connect_seconds above 1 means drops), keeps them open and silent, and meanwhile
sends UDP queries for NAME SOA from PROBE_SOURCE, one every 10 ms; then asks the same over a new TCP
connection from PROBE_SOURCE. Prints one JSON object: connects that completed, failed or timed out, how
many of the held connections the server had closed by the end, the UDP answers, losses and latency
percentiles (ms), and whether the new TCP client was answered. Loopback only; standard library only.
"""
import argparse
import ipaddress
import json
import resource
import select
import socket
import struct
import time


def query(ident, name, qtype=6):
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    return struct.pack(">HHHHHH", ident, 0, 1, 0, 0, 0) + wire + struct.pack(">HH", qtype, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--source", default="127.0.0.1")
    parser.add_argument("--probe-source", default="127.1.0.1")
    parser.add_argument("--name", default="wistfare.net")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    host, _, port = args.server.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("the server must be a loopback address")
    server = (host, int(port))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    pending = []
    connect_start = time.monotonic()
    for _ in range(args.connections):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((args.source, 0))
        sock.setblocking(False)
        sock.connect_ex(server)
        pending.append(sock)
    connected, failed = [], 0
    deadline = time.monotonic() + 5
    poller = select.poll()
    waiting = {sock.fileno(): sock for sock in pending}
    for fd in waiting:
        poller.register(fd, select.POLLOUT)
    while waiting and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            sock = waiting.pop(fd, None)
            if sock is None:
                continue
            poller.unregister(fd)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected.append(sock)
            else:
                failed += 1
    timed_out = len(waiting)
    connect_seconds = time.monotonic() - connect_start

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind((args.probe_source, 0))
    probe.settimeout(0.5)
    latencies, lost = [], 0
    end = time.monotonic() + args.seconds
    ident = 0
    while time.monotonic() < end:
        ident += 1
        start = time.monotonic()
        probe.sendto(query(ident, args.name), server)
        try:
            while True:
                reply = probe.recv(4096)
                if reply[:2] == struct.pack(">H", ident):
                    latencies.append((time.monotonic() - start) * 1000)
                    break
        except socket.timeout:
            lost += 1
        time.sleep(0.01)

    tcp_ok = False
    try:
        other = socket.create_connection(server, timeout=2, source_address=(args.probe_source, 0))
        message = query(1, args.name)
        other.sendall(struct.pack(">H", len(message)) + message)
        length = struct.unpack(">H", other.recv(2))[0]
        reply = b""
        while len(reply) < length:
            chunk = other.recv(length - len(reply))
            if not chunk:
                break
            reply += chunk
        tcp_ok = len(reply) == length and reply[:2] == b"\x00\x01" and reply[2] & 0x80 != 0
        other.close()
    except OSError:
        tcp_ok = False

    closed = 0
    for sock in connected:
        try:
            if sock.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    latencies.sort()

    def percentile(fraction):
        return latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] if latencies else None

    print(json.dumps({"connected": len(connected), "failed": failed, "timed_out": timed_out,
                      "connect_seconds": connect_seconds,
                      "closed_by_server": closed, "udp_answers": len(latencies), "udp_lost": lost,
                      "udp_p50_ms": percentile(0.5), "udp_p99_ms": percentile(0.99), "tcp_other_ok": tcp_ok}))


if __name__ == "__main__":
    main()
