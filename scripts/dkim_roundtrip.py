#!/usr/bin/env python3
"""Signs a message with an exported DKIM key and verifies the signature, fetching the public key over DNS from one
given server, for the DKIM tests and manual tries on loopback.

  dkim_roundtrip.py --key DIR/keys/example.com/wistmail.private --domain example.com --selector wistmail \\
      --dns 127.0.0.4:53 [--recursion] [--algorithm ed25519-sha256]

Signs (dkimpy, rsa-sha256 unless --algorithm says otherwise, relaxed/relaxed) a small message from
postmaster@DOMAIN, then verifies it with dkimpy, whose key lookup asks the DNS server at --dns (dnspython; RD
set with --recursion, for a resolver such as Unbound; clear for an authoritative server). Prints one JSON object:
the selector's TXT as fetched, and whether the signature verified. Loopback only.
"""
import argparse
import base64
import ipaddress
import json

import dkim
import dns.flags
import dns.message
import dns.query
import dns.rdatatype


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--selector", required=True)
    parser.add_argument("--dns", required=True)
    parser.add_argument("--recursion", action="store_true")
    parser.add_argument("--algorithm", choices=["rsa-sha256", "ed25519-sha256"], default="rsa-sha256")
    args = parser.parse_args()
    host, _, port = args.dns.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("the DNS server must be on loopback")
    with open(args.key, "rb") as handle:
        private = handle.read()
    algorithm = args.algorithm.encode()
    if args.algorithm == "ed25519-sha256":
        # The export holds PKCS#8 PEM, as OpenDKIM and Rspamd read it; dkimpy wants the raw 32-octet seed in base64.
        from cryptography.hazmat.primitives import serialization
        key = serialization.load_pem_private_key(private, password=None)
        private = base64.b64encode(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                     serialization.NoEncryption()))
    message = (f"From: postmaster@{args.domain}\r\nTo: someone@example.net\r\nSubject: DKIM round trip\r\n"
               f"Date: Sun, 06 Dec 2026 00:00:00 +0000\r\nMessage-ID: <roundtrip@{args.domain}>\r\n\r\n"
               "Signed with the key WistDNS exported.\r\n").encode()
    signature = dkim.sign(message, args.selector.encode(), args.domain.encode(), private,
                          canonicalize=(b"relaxed", b"relaxed"), signature_algorithm=algorithm,
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    fetched = []

    def lookup(name, timeout=5):
        query = dns.message.make_query(name.decode().rstrip("."), dns.rdatatype.TXT)
        if not args.recursion:
            query.flags &= ~dns.flags.RD
        response = dns.query.udp(query, host, port=int(port), timeout=timeout)
        if response.flags & dns.flags.TC:
            response = dns.query.tcp(query, host, port=int(port), timeout=timeout)
        for rrset in response.answer:
            for record in rrset:
                if record.rdtype == dns.rdatatype.TXT:
                    text = b"".join(record.strings)
                    fetched.append(text.decode())
                    return text
        return None

    verified = dkim.verify(signature + message, dnsfunc=lookup)
    print(json.dumps({"verified": bool(verified), "fetched": fetched, "algorithm": algorithm.decode(),
                      "signature": signature.decode().splitlines()[0]}))


if __name__ == "__main__":
    main()
