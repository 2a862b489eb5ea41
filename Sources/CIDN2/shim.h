// The system libidn2 (Debian: libidn2-dev): IDNA2008 (RFC 5891/5892/5893) with UTS #46 mapping.
#ifndef WISTDNS_CIDN2_SHIM_H
#define WISTDNS_CIDN2_SHIM_H

// Without the libidn 1 compatibility macros, which do not import into Swift.
#define IDN2_SKIP_LIBIDN_COMPAT 1
#include <idn2.h>

// Lookup with UTS #46 nontransitional mapping, NFC, and the A-label round trip (an `xn--` label is decoded,
// checked as a U-label and encoded again). `idn2_flags` imports as a struct; this is the plain int the calls take.
static const int wistdns_idn2_lookup_flags = IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT | IDN2_ALABEL_ROUNDTRIP;

#endif
