#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/params.h>
#include <openssl/core_names.h>

/// A MAC context keyed for HMAC-SHA256. The EVP_MAC is fetched once by the caller and reused.
static inline EVP_MAC *COpenSSL_fetch_hmac(void) { return EVP_MAC_fetch(NULL, "HMAC", NULL); }

/// SHA-256, fetched once by the caller: EVP_sha256() would make EVP_Digest fetch it again on
/// every call.
static inline EVP_MD *COpenSSL_fetch_sha256(void) { return EVP_MD_fetch(NULL, "SHA256", NULL); }

/// AES-256-GCM, fetched once by the caller (EVP_aes_256_gcm() is fetched again at every init).
static inline EVP_CIPHER *COpenSSL_fetch_aes256gcm(void) { return EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL); }

static inline int COpenSSL_hmac_init(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key, keylen, params);
}

/// Re-initialises a keyed context for a new message, keeping its key (NULL key = reuse).
static inline int COpenSSL_hmac_reset(EVP_MAC_CTX *ctx) {
    return EVP_MAC_init(ctx, NULL, 0, NULL);
}

static inline int COpenSSL_gcm_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}
static inline int COpenSSL_gcm_get_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag);
}
static inline int COpenSSL_gcm_set_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, tag);
}

#endif
