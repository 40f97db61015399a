/* poster_bench: the job of `gridpass bench posters` in plain C, for scripts/bench.
 *
 * For each poster URL: QRcode_encodeString(url, 0, QR_ECLEVEL_Q, QR_MODE_8, 1), then the same
 * 1-bit greyscale PNG as GridPass — square modules of SCALE pixels, a 4-module quiet zone,
 * SCALE = round(50 / 25.4 * 300) / (modules + 8) — written with libpng's low-level writer by
 * gridpass_png_write_qr (Sources/CPNGWrite/cpngwrite.c, compiled in here), which packs each
 * module row to bits once and writes it SCALE times. The PNG is malloc'ed and freed, as a
 * function returning an owned PNG would. Single-threaded.
 *
 * Usage: poster_bench [COUNT [SECONDS [PUBLIC_URL]]]   (defaults 1000, 3, http://127.0.0.1:8080)
 * Build: cc -O2 -I Sources/CPNGWrite/include -o poster_bench poster_bench.c Sources/CPNGWrite/cpngwrite.c \
 *            $(pkg-config --cflags --libs libqrencode libpng)
 */
#include <ctype.h>
#include <png.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cpngwrite.h"

static double seconds_of(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int last_modules, last_scale;

/* Renders one poster; returns the PNG size, or 0 on failure. */
static size_t poster_png(const char *url) {
    QRcode *code = QRcode_encodeString(url, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    if (!code) return 0;
    const int size = code->width, quiet = 4;
    int scale = (int)(50.0 / 25.4 * 300 + 0.5) / (size + 2 * quiet);
    if (scale < 1) scale = 1;
    const int side = (size + 2 * quiet) * scale;
    last_modules = size, last_scale = scale;

    (void)side;
    unsigned char *modules = malloc((size_t)size * size);
    for (int i = 0; i < size * size; i++) modules[i] = code->data[i] & 1;
    QRcode_free(code);
    unsigned char *png = NULL;
    size_t png_size = 0;
    char error[200];
    int ok = gridpass_png_write_qr(modules, size, quiet, scale, &png, &png_size, error, sizeof error);
    free(modules);
    gridpass_png_free(png);
    return ok ? png_size : 0;
}

int main(int argc, char **argv) {
    const int count = argc > 1 ? atoi(argv[1]) : 1000;
    const double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    const char *public_url = argc > 3 ? argv[3] : "http://127.0.0.1:8080";
    if (count < 1) { fprintf(stderr, "count must be >= 1\n"); return 2; }

    /* Same URLs as gridpass: upper-cased PUBLIC_URL/r/TOKEN, TOKEN 32 base32 characters from
     * xorshift64 (seed 88172645463325252), one character from the top 5 bits of each step. */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t base_len = strlen(public_url);
    while (base_len > 0 && public_url[base_len - 1] == '/') base_len--;
    const size_t url_len = base_len + 3 + 32;
    char *urls = malloc((size_t)count * (url_len + 1));
    uint64_t state = 88172645463325252ULL;
    for (int i = 0; i < count; i++) {
        char *u = urls + (size_t)i * (url_len + 1);
        for (size_t k = 0; k < base_len; k++) u[k] = (char)toupper((unsigned char)public_url[k]);
        memcpy(u + base_len, "/R/", 3);
        for (int k = 0; k < 32; k++) {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            u[base_len + 3 + k] = alphabet[state >> 59];
        }
        u[url_len] = 0;
    }

    for (int i = 0; i < count && i < 200; i++)  /* warm-up */
        if (!poster_png(urls + (size_t)i * (url_len + 1))) { fprintf(stderr, "encoding failed\n"); return 1; }

    long renders = 0;
    unsigned long long bytes = 0;
    const double start = seconds_of(CLOCK_MONOTONIC), cpu_start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    double elapsed;
    do {
        for (int i = 0; i < count; i++) {
            size_t n = poster_png(urls + (size_t)i * (url_len + 1));
            if (!n) { fprintf(stderr, "encoding failed\n"); return 1; }
            bytes += n;
        }
        renders += count;
        elapsed = seconds_of(CLOCK_MONOTONIC) - start;
    } while (elapsed < seconds);
    const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;

    poster_png(urls);
    printf("impl=c posters_png_per_sec=%.1f posters_png_per_cpu_sec=%.1f count=%d renders=%ld seconds=%.3f"
           " cpu_seconds=%.3f mean_png_bytes=%.1f modules=%d scale=%d side_px=%d url_example=%s\n",
           renders / elapsed, renders / cpu, count, renders, elapsed, cpu, (double)bytes / renders,
           last_modules, last_scale, (last_modules + 8) * last_scale, urls);
    free(urls);
    return 0;
}
