// The system libpsl (Debian: libpsl-dev): the Public Suffix List, compiled in and read from the publicsuffix package.
#ifndef WISTDNS_CPSL_SHIM_H
#define WISTDNS_CPSL_SHIM_H
#include <libpsl.h>

// psl_type_t's values as the plain int psl_is_public_suffix2 takes: every section (ICANN and private), and no
// implicit "*" rule, so an unlisted top-level label (test., example.) is not itself a suffix.
static const int wistdns_psl_listed_suffix = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;
#endif
