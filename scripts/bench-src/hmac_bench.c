/* scripts/bench-src/hmac_bench.c: the baseline of `gridpass bench verify` (scripts/bench-verify).
 *
 * Raw OpenSSL 3 HMAC-SHA256 tag checks per second, single-threaded: ONE EVP_MAC context keyed
 * once and re-initialised per message with EVP_MAC_init(ctx, NULL, 0, NULL) (the key is kept),
 * EVP_MAC_update over a 32-byte message (the length of a signed GP1 body), EVP_MAC_final, then
 * CRYPTO_memcmp of the 16-byte truncated tag. Nothing else: no decoding, no parsing, no
 * allocation. COUNT distinct messages (xorshift64) with their tags, computed before timing;
 * warm-up of one pass, then passes over the set until SECONDS have passed.
 *
 *   cc -O2 -o /tmp/hmac_bench scripts/bench-src/hmac_bench.c $(pkg-config --cflags --libs libcrypto)
 *   /tmp/hmac_bench [COUNT [SECONDS]]          (defaults 1000 and 3)
 *
 * Prints one line:
 *   impl=c verifies_per_sec=R verifies_per_cpu_sec=R count=N verifies=N seconds=S cpu_seconds=S
 *          message_bytes=32 tag_bytes=16 ok=N openssl=VERSION
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MSG 32
#define TAG 16

static double now(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "hmac_bench: %s failed\n", what);
    exit(2);
}

/* One tag check, as a verifier does it: MAC the message with the reused context, compare the
 * truncated tag in constant time. Returns 1 when the tag matches. */
static int verify(EVP_MAC_CTX *ctx, const unsigned char *msg, const unsigned char *tag) {
    unsigned char out[32];
    size_t written = 0;
    if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1) die("EVP_MAC_init");
    if (EVP_MAC_update(ctx, msg, MSG) != 1) die("EVP_MAC_update");
    if (EVP_MAC_final(ctx, out, &written, sizeof out) != 1 || written != sizeof out) die("EVP_MAC_final");
    return CRYPTO_memcmp(out, tag, TAG) == 0;
}

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 1000;
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    if (count < 1 || seconds < 0) { fprintf(stderr, "usage: hmac_bench [COUNT >= 1 [SECONDS >= 0]]\n"); return 2; }

    /* Key, messages and tags from xorshift64: the key's value does not change the cost. */
    unsigned long long state = 88172645463325252ULL;
    unsigned char key[32];
    unsigned char *msgs = malloc((size_t)count * MSG), *tags = malloc((size_t)count * TAG);
    if (!msgs || !tags) die("malloc");
    for (size_t i = 0; i < sizeof key; i++) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; key[i] = (unsigned char)(state >> 56); }
    for (long i = 0; i < count * MSG; i++) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; msgs[i] = (unsigned char)(state >> 56); }

    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac) die("EVP_MAC_fetch");
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    if (!ctx) die("EVP_MAC_CTX_new");
    OSSL_PARAM params[2] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0), OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(ctx, key, sizeof key, params) != 1) die("EVP_MAC_init(key)");

    for (long i = 0; i < count; i++) {  /* the tags the verifier will check */
        unsigned char out[32];
        size_t written = 0;
        if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 || EVP_MAC_update(ctx, msgs + i * MSG, MSG) != 1
            || EVP_MAC_final(ctx, out, &written, sizeof out) != 1) die("signing");
        memcpy(tags + i * TAG, out, TAG);
    }

    long ok = 0, verifies = 0;
    for (long i = 0; i < count; i++) ok += verify(ctx, msgs + i * MSG, tags + i * TAG);  /* warm-up */
    if (ok != count) die("warm-up verification");

    ok = 0;
    double start = now(CLOCK_MONOTONIC), cpu_start = now(CLOCK_PROCESS_CPUTIME_ID), elapsed;
    do {
        for (long i = 0; i < count; i++) ok += verify(ctx, msgs + i * MSG, tags + i * TAG);
        verifies += count;
        elapsed = now(CLOCK_MONOTONIC) - start;
    } while (elapsed < seconds);
    double cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    if (ok != verifies) die("verification");

    printf("impl=c verifies_per_sec=%.1f verifies_per_cpu_sec=%.1f count=%ld verifies=%ld seconds=%.3f cpu_seconds=%.3f "
           "message_bytes=%d tag_bytes=%d ok=%ld openssl=%s\n",
           verifies / elapsed, verifies / cpu, count, verifies, elapsed, cpu, MSG, TAG, ok,
           OpenSSL_version(OPENSSL_VERSION_STRING));
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    free(msgs);
    free(tags);
    return 0;
}
