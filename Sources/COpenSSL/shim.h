#pragma once
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/rsa.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>

/* BIO_get_mem_data is a macro over BIO_ctrl and does not import into Swift. */
static inline long wist_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/* OpenSSL frees its global state from an atexit handler, and a thread still inside libcrypto when the process exits
 * (a DKIM key being generated, a hash, an HMAC) then crashes on a freed lock. Every entry point of ours calls this
 * before anything else, so OpenSSL's first initialization is ours and skips that handler; after the first call it
 * costs a few atomic reads. */
static inline void wist_openssl_init(void) {
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}
