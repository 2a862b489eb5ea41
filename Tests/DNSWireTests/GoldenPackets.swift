/// Golden packets: payload-only hex (no IP/UDP headers) of real DNS messages.
///
/// Queries were captured on 127.0.0.1 with a Python UDP listener that printed the datagram `dig` sent
/// (DiG 9.18.49-1~deb12u3-Debian). Responses came from NSD 4.6.1 serving this zone on 127.0.0.1, asked with
/// a small Python client (the MX one answers dig's own `+nocookie` query below):
///
///     $ORIGIN example.com.
///     $TTL 3600
///     @ SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
///     @ NS ns1.example.com.
///     @ NS ns2.example.com.
///     @ MX 10 mail.example.com.
///     @ MX 20 mail2.example.net.
///     ns1 A 192.0.2.1
///     ns2 AAAA 2001:db8::2
///     mail A 192.0.2.25
///     @ TXT "v=spf1 mx -all" "second string" ""
///     _sip._tcp SRV 10 60 5060 sip.example.com.
///     @ CAA 0 issue "letsencrypt.org"
enum Golden {
    /// `dig @127.0.0.1 example.com MX +bufsize=1232` (EDNS with dig's default COOKIE option, code 10).
    static let digMXWithCookie = hex("""
        a11c 0120 0001 0000 0000 0001 076578616d706c6503636f6d00 000f 0001
        00 0029 04d0 00000000 000c 000a 0008 55d749cbaec15ec1
        """)
    /// `dig @127.0.0.1 example.com MX +bufsize=1232 +nocookie`.
    static let digMXNoCookie = hex("""
        e1d3 0120 0001 0000 0000 0001 076578616d706c6503636f6d00 000f 0001
        00 0029 04d0 00000000 0000
        """)
    /// `dig @127.0.0.1 WwW.ExAmPlE.CoM AAAA +dnssec +nocookie` (DO set, 0x20-style mixed case kept).
    static let digAAAADnssec = hex("""
        d732 0120 0001 0000 0000 0001 03577757 074578416d506c45 03436f4d 00 001c 0001
        00 0029 04d0 00008000 0000
        """)
    /// `dig @127.0.0.1 example.com A +noedns`.
    static let digANoEDNS = hex("246601200001000000000000076578616d706c6503636f6d0000010001")

    /// NSD's answer to `digMXNoCookie`: 2 MX, 2 NS in authority, A/A/AAAA glue and OPT in additional.
    static let nsdMX = hex("""
        e1d385000001000200020004076578616d706c6503636f6d00000f0001c00c000f000100000e100009000a046d61696cc00c\
        c00c000f000100000e1000150014056d61696c32076578616d706c65036e657400c00c0002000100000e100006036e7331c0\
        0cc00c0002000100000e100006036e7332c00cc02b0001000100000e100004c0000219c05f0001000100000e100004c00002\
        01c071001c000100000e10001020010db800000000000000000000000200002904d0000000000000
        """)
    /// NSD: `example.com SOA` (id 0x1234, EDNS 1232).
    static let nsdSOA = hex("""
        123485000001000100020003076578616d706c6503636f6d0000060001c00c0006000100000e100027036e7331c00c0a686f\
        73746d6173746572c00c78a3f17500001c2000000e10001275000000012cc00c0002000100000e100002c029c00c00020001\
        00000e100006036e7332c00cc0290001000100000e100004c0000201c06a001c000100000e10001020010db8000000000000\
        00000000000200002904d0000000000000
        """)
    /// NSD: `example.com TXT` with three character-strings, the last one empty.
    static let nsdTXT = hex("""
        123485000001000100020003076578616d706c6503636f6d0000100001c00c0010000100000e10001e0e763d73706631206d\
        78202d616c6c0d7365636f6e6420737472696e6700c00c0002000100000e100006036e7331c00cc00c0002000100000e1000\
        06036e7332c00cc0530001000100000e100004c0000201c065001c000100000e10001020010db80000000000000000000000\
        0200002904d0000000000000
        """)
    /// NSD: `_sip._tcp.example.com SRV`; the SRV target is written uncompressed (RFC 2782).
    static let nsdSRV = hex("""
        123485000001000100020003045f736970045f746370076578616d706c6503636f6d0000210001c00c002100010000\
        0e100017000a003c13c403736970076578616d706c6503636f6d00c0160002000100000e100006036e7331c016c0160002\
        000100000e100006036e7332c016c0560001000100000e100004c0000201c068001c000100000e10001020010db8000000\
        00000000000000000200002904d0000000000000
        """)
    /// NSD: `example.com CAA`.
    static let nsdCAA = hex("""
        123485000001000100020003076578616d706c6503636f6d0001010001c00c0101000100000e100016000569737375656c65\
        7473656e63727970742e6f7267c00c0002000100000e100006036e7331c00cc00c0002000100000e100006036e7332c00cc0\
        4b0001000100000e100004c0000201c05d001c000100000e10001020010db800000000000000000000000200002904d00000\
        00000000
        """)
    /// NSD: `ns2.example.com AAAA`.
    static let nsdAAAA = hex("""
        123485000001000100020002036e7332076578616d706c6503636f6d00001c0001c00c001c000100000e10001020010db800\
        0000000000000000000002c0100002000100000e100006036e7331c010c0100002000100000e100002c00cc0490001000100\
        000e100004c000020100002904d0000000000000
        """)
    /// NSD: `nope.example.com A` -> NXDOMAIN with the SOA (TTL 300) in authority.
    static let nsdNXDomain = hex("""
        123485030001000000010001046e6f7065076578616d706c6503636f6d0000010001c011000600010000012c0027036e7331\
        c0110a686f73746d6173746572c01178a3f17500001c2000000e10001275000000012c00002904d0000000000000
        """)
    /// A query with EDNS version 1 (hand-built, id 0xe1d4) ...
    static let ednsVersion1Query = hex("""
        e1d4 0100 0001 0000 0000 0001 076578616d706c6503636f6d00 0001 0001 00 0029 04d0 00010000 0000
        """)
    /// ... and NSD's BADVERS answer: RCODE 0 in the header, extended RCODE 1 in the OPT TTL (1 << 4 = 16).
    static let nsdBadVers = hex("e1d481000001000000000001076578616d706c6503636f6d000001000100002904d0010000000000")

    static let queries = [digMXWithCookie, digMXNoCookie, digAAAADnssec, digANoEDNS, ednsVersion1Query]
    static let responses = [nsdMX, nsdSOA, nsdTXT, nsdSRV, nsdCAA, nsdAAAA, nsdNXDomain, nsdBadVers]
    static let all = queries + responses
}
