#!/usr/bin/env python3
"""Paced UDP DNS query streams from chosen source addresses, for rate-limiting tests and manual tries on loopback.

  udp_flood.py --server 127.0.0.1:5300 --seconds 3 \\
      --stream 127.0.0.1:20000:8:wistmail._domainkey.wistfare.email:TXT \\
      --stream 127.1.0.1:50:1:mail.wistfare.net:A

Each --stream is SOURCE:QUERIES_PER_SECOND:SOURCE_PORTS:NAME:TYPE and runs in its own process, sending with EDNS
(payload 1232, and the --cookie option if given) from SOURCE (any 127.0.0.0/8 address works on Linux loopback) over that many sockets in turn. It
prints one JSON object: per stream, the queries sent, full answers, truncated (TC=1) answers. Sends only to the
--server address given, which must be loopback. Standard library only.
"""
import argparse
import ipaddress
import json
import multiprocessing
import select
import socket
import struct
import time

TYPES = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}


def query(ident, name, qtype, cookie=b""):
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    option = struct.pack(">HH", 10, len(cookie)) + cookie if cookie else b""
    opt = b"\x00" + struct.pack(">HHIH", 41, 1232, 0, len(option)) + option
    return struct.pack(">HHHHHH", ident, 0, 1, 0, 0, 1) + wire + struct.pack(">HH", TYPES[qtype], 1) + opt


def stream(server, seconds, spec, cookie, results):
    source, rate, ports, name, qtype = spec.rsplit(":", 4)
    rate, ports = int(rate), int(ports)
    family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    sockets = []
    for _ in range(ports):
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.bind((source, 0))
        sock.setblocking(False)
        sockets.append(sock)
    sent = answers = truncated = 0
    first_answer = last_answer = None

    def drain():
        nonlocal answers, truncated, first_answer, last_answer
        for sock in sockets:
            while True:
                try:
                    reply = sock.recv(65535)
                except BlockingIOError:
                    break
                if len(reply) >= 4 and reply[2] & 0x80:
                    if reply[2] & 0x02:
                        truncated += 1
                    else:
                        answers += 1
                        now = time.monotonic() - start
                        first_answer = now if first_answer is None else first_answer
                        last_answer = now

    start = time.monotonic()
    while True:
        elapsed = time.monotonic() - start
        if elapsed >= seconds:
            break
        due = min(int(elapsed * rate) + 1, int(seconds * rate))
        while sent < due:
            sock = sockets[sent % ports]
            try:
                sock.sendto(query(sent & 0xFFFF, name, qtype, cookie), server)
            except BlockingIOError:
                break
            sent += 1
        drain()
        select.select(sockets, [], [], 0.0005)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        select.select(sockets, [], [], 0.05)
        drain()
    # The span over which full answers arrived, in milliseconds: a server the machine's load slows down answers the
    # same queries over a longer span, and its token buckets refill for longer.
    span = 0 if first_answer is None else int((last_answer - first_answer) * 1000)
    results[spec] = {"sent": sent, "answers": answers, "truncated": truncated, "answer_span_ms": span}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="HOST:PORT, loopback only ([::1]:PORT for IPv6)")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--stream", action="append", required=True)
    parser.add_argument("--cookie", default="", help="a COOKIE option (hex) every query carries, e.g. one dig +cookie learned")
    args = parser.parse_args()
    host, _, port = args.server.rpartition(":")
    host = host.strip("[]")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("the server must be a loopback address")
    manager = multiprocessing.Manager()
    results = manager.dict()
    workers = [multiprocessing.Process(target=stream, args=((host, int(port)), args.seconds, spec, bytes.fromhex(args.cookie), results))
               for spec in args.stream]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({spec: results.get(spec) for spec in args.stream}))


if __name__ == "__main__":
    main()
