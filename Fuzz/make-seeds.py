#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/corpus/<target>/seed-*. Standard library only.

The seeds are ordinary, well-formed inputs (real queries, a signed request, small zone files): the fuzzer finds
the bad ones by itself. Run it again after changing it; inputs named crash-* are left alone.
"""
import hashlib
import hmac
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SIGNING_TIME = 1_796_000_000  # TSIGVerifyHarness.signingTime
KEY_NAME = "fuzz-key."
KEY_SECRET = b"secret-secret-secret-secret-32b"  # base64 in FixedZones.key


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33, "OPT": 41,
         "DS": 43, "CAA": 257, "IXFR": 251, "AXFR": 252, "ANY": 255, "TYPE65280": 65280}


def opt(payload=1232, do=False, options=b""):
    return b"\x00" + struct.pack(">HHIH", 41, payload, 0x8000 if do else 0, len(options)) + options


def query(qname, qtype, ident=0x1234, flags=0x0100, edns=None, authority=b"", nscount=0, qclass=1, opcode=0):
    additional = edns if edns is not None else b""
    header = struct.pack(">HHHHHH", ident, flags | (opcode << 11), 1, 0, nscount, 1 if additional else 0)
    return header + name(qname) + struct.pack(">HH", TYPES[qtype], qclass) + authority + additional


def soa_record(owner, serial):
    rdata = name("ns1." + owner) + name("hostmaster." + owner) + struct.pack(">IIIII", serial, 7200, 900, 1209600, 300)
    return name(owner) + struct.pack(">HHIH", 6, 1, 3600, len(rdata)) + rdata


def tcp(*messages):
    return b"".join(struct.pack(">H", len(m)) + m for m in messages)


def signed(message, time=SIGNING_TIME, fudge=300, secret=KEY_SECRET, key=KEY_NAME):
    """RFC 8945: the MAC over the message and the TSIG variables; the TSIG record appended, ARCOUNT raised."""
    algorithm = name("hmac-sha256.")
    variables = (name(key) + struct.pack(">HI", 255, 0) + algorithm + struct.pack(">HI", time >> 32, time & 0xFFFFFFFF)
                 + struct.pack(">HHH", fudge, 0, 0))
    mac = hmac.new(secret, message + variables, hashlib.sha256).digest()
    rdata = (algorithm + struct.pack(">HIH", time >> 32, time & 0xFFFFFFFF, fudge) + struct.pack(">H", len(mac)) + mac
             + message[0:2] + struct.pack(">HH", 0, 0))
    record = name(key) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata
    arcount = struct.unpack(">H", message[10:12])[0] + 1
    return message[:10] + struct.pack(">H", arcount) + message[12:] + record


def record(owner, rtype, rdata, ttl=3600):
    return owner + struct.pack(">HHIH", TYPES[rtype], 1, ttl, len(rdata)) + rdata


def response_with_compression():
    """example.com. MX: two MX records whose owners and exchanges point back into the question, and an OPT."""
    question = name("example.com.") + struct.pack(">HH", 15, 1)
    pointer = b"\xc0\x0c"
    answers = (record(pointer, "MX", struct.pack(">H", 10) + b"\x04mail" + pointer)
               + record(pointer, "MX", struct.pack(">H", 20) + b"\x04mx02" + pointer))
    return struct.pack(">HHHHHH", 0x1234, 0x8400, 1, 2, 0, 1) + question + answers + opt(4096)


def response_caa_txt():
    """x. with a CAA and a two-string TXT record."""
    question = name("x.") + struct.pack(">HH", 1, 1)
    caa = b"\x00\x05issue" + b"ca.example"
    txt = b"\x05hello\x05world"
    return (struct.pack(">HHHHHH", 1, 0x8400, 1, 2, 0, 0) + question + record(b"\xc0\x0c", "CAA", caa)
            + record(b"\xc0\x0c", "TXT", txt))


def write(target, seeds):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.startswith("seed-"):
            os.remove(os.path.join(folder, old))
    for label, data in seeds.items():
        with open(os.path.join(folder, "seed-" + label), "wb") as handle:
            handle.write(data)


UDP, TCP, TCP_ALLOWED, UDP_LIMITED = b"\x00", b"\x01", b"\x03", b"\x04"
cookie = struct.pack(">HH", 10, 8) + bytes(range(8))
write("query-path", {
    "soa": UDP + query("example.com.", "SOA"),
    "mx": UDP + query("example.com.", "MX", edns=opt()),
    "dkim-edns": UDP + query("wistmail._domainkey.example.com.", "TXT", edns=opt(4096, do=True)),
    "dkim-no-edns": UDP + query("wistmail._domainkey.example.com.", "TXT"),
    "cname": UDP + query("WwW.Example.Com.", "A"),
    "wildcard": UDP + query("any.wild.example.com.", "MX", edns=opt()),
    "nxdomain": UDP + query("nope.example.com.", "A", edns=opt(512)),
    "nodata-ent": UDP + query("ent.example.com.", "AAAA"),
    "referral": UDP + query("host.child.example.com.", "A", edns=opt()),
    "child-zone": UDP + query("www.child.example.com.", "A"),
    "refused": UDP + query("example.org.", "A"),
    "any": UDP + query("mail.example.com.", "ANY", edns=opt()),
    "ds": UDP + query("child.example.com.", "DS"),
    "loop": UDP + query("loop1.example.com.", "A"),
    "srv": UDP + query("_smtp._tcp.example.com.", "SRV"),
    "cookie-option": UDP + query("example.com.", "SOA", edns=opt(options=cookie)),
    "cookie-with-server": UDP_LIMITED + query("example.com.", "SOA", edns=opt(options=struct.pack(">HH", 10, 24) + bytes(range(8)) + b"\x01\x00\x00\x00" + bytes(range(12)))),
    "cookie-malformed": UDP + query("example.com.", "SOA", edns=opt(options=struct.pack(">HH", 10, 5) + bytes(5))),
    "limited-dkim": UDP_LIMITED + query("wistmail._domainkey.example.com.", "TXT", edns=opt()),
    "badvers": UDP + query("example.com.", "SOA", edns=b"\x00" + struct.pack(">HHIH", 41, 1232, 0x00010000, 0)),
    "notify-opcode": UDP + query("example.com.", "SOA", opcode=4),
    "signed-udp": UDP + signed(query("example.com.", "SOA")),
    "tcp-two-queries": TCP + tcp(query("example.com.", "NS"), query("mail.example.com.", "AAAA", ident=2)),
    "tcp-axfr-allowed": TCP_ALLOWED + tcp(query("example.com.", "AXFR", flags=0)),
    "tcp-axfr-refused": TCP + tcp(query("example.com.", "AXFR", flags=0)),
    "tcp-ixfr": TCP_ALLOWED + tcp(query("example.com.", "IXFR", flags=0, authority=soa_record("example.com.", 2026010100), nscount=1)),
    "tcp-axfr-signed": TCP + tcp(signed(query("child.example.com.", "AXFR", flags=0))),
})

write("message-roundtrip", {
    "query": query("example.com.", "SOA", edns=opt(options=cookie)),
    "ixfr": query("example.com.", "IXFR", authority=soa_record("example.com.", 5), nscount=1),
    "answer-compressed": response_with_compression(),
    "signed": signed(query("example.com.", "AXFR", flags=0)),
    "unknown-type": query("x.example.com.", "TYPE65280"),
    "caa-txt": response_caa_txt(),
})

write("master-file", {
    "mail-zone": b"""$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster ( 2026010101 7200 900 1209600 300 )
@ NS ns1
@ MX 10 mail
@ TXT "v=spf1 mx ~all"
ns1 A 192.0.2.1
mail A 192.0.2.25
mail AAAA 2001:db8::25
_dmarc TXT "v=DMARC1; p=none"
sel._domainkey TXT ( "v=DKIM1; k=rsa; " "p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A" )
""",
    "escapes": b"""@ 1h IN SOA ns1 hm 1 2 3 4 5
@ NS ns1
txt TXT ( "a \\"b\\" \\\\c \\065" d )
g TYPE1 \\# 4 0A000001
srv SRV 1 2 3 www
@ CAA 0 issue "ca.example"
""",
    "origin-change": b"""$TTL 1d
@ SOA ns1.example.com. hm.example.com. 1 2 3 4 5
  NS ns1
$ORIGIN sub.example.com.
mx MX 10 mail
* TXT "wild"
""",
    "units": b"""@ 1w2d3h4m5s SOA ns1 hm 1 1h 30m 2w 5m
@ NS ns1.example.net.
child NS ns.child
ns.child A 192.0.2.53
ptr PTR host.example.
""",
    "include-refused": b"""@ SOA ns1 hm 1 2 3 4 5
@ NS ns1
$INCLUDE other.zone
""",
})

write("tsig-verify", {
    "valid": signed(query("example.com.", "SOA")),
    "valid-axfr": signed(query("example.com.", "AXFR", flags=0)),
    "bad-mac": signed(query("example.com.", "SOA"), secret=b"another-secret"),
    "bad-time": signed(query("example.com.", "SOA"), time=SIGNING_TIME - 10_000),
    "unknown-key": signed(query("example.com.", "SOA"), key="other-key."),
    "edns-then-tsig": signed(query("example.com.", "SOA", edns=opt())),
})

DOMAIN, MAILBOX = b"\x00", b"\x01"
write("api-body", {
    "domain": DOMAIN + b'{"name": "customer.example"}',
    "domain-idn": DOMAIN + '{"name": "b\u00fccher.example."}'.encode(),
    "domain-escaped": DOMAIN + b'{"name": "Shop.Example\\u002ecom"}',
    "domain-extra-field": DOMAIN + b'{"name": "a-b.example", "other": [1, {"x": null}]}',
    "domain-wrong-type": DOMAIN + b'{"name": 42}',
    "mailbox": MAILBOX + b'{"localPart": "hello"}',
    "mailbox-symbols": MAILBOX + b'{"localPart": "a.b+c_d"}',
})
