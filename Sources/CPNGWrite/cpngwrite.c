#include "cpngwrite.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *data;
    size_t size, capacity;
    int failed;
} buffer_t;

static void write_data(png_structp png, png_bytep bytes, png_size_t length) {
    buffer_t *b = (buffer_t *)png_get_io_ptr(png);
    if (b->size + length > b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 4096;
        while (capacity < b->size + length) capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown) { b->failed = 1; png_error(png, "out of memory"); }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, bytes, length);
    b->size += length;
}

static void flush_data(png_structp png) { (void)png; }

typedef struct { char *text; size_t size; } message_t;

static void on_error(png_structp png, png_const_charp message) {
    message_t *m = (message_t *)png_get_error_ptr(png);
    if (m && m->text && m->size) { strncpy(m->text, message, m->size - 1); m->text[m->size - 1] = 0; }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

int gridpass_png_write_qr(const unsigned char *modules, int size, int quiet, int scale,
                          unsigned char **out, size_t *out_size, char *error, size_t error_size) {
    if (error && error_size) error[0] = 0;
    if (!modules || size <= 0 || quiet < 0 || scale <= 0 || !out || !out_size) {
        if (error && error_size) strncpy(error, "bad arguments", error_size - 1);
        return 0;
    }
    const int side = (size + 2 * quiet) * scale;
    const size_t stride = ((size_t)side + 7) / 8;
    message_t message = {error, error_size};
    buffer_t buffer = {0};
    /* Set before setjmp and only read after it: volatile for the longjmp. */
    unsigned char *volatile row = calloc(stride, 1);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &message, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !png || !info) {
        if (error && error_size) strncpy(error, "out of memory", error_size - 1);
        png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
        free(row);
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(buffer.data);
        return 0;
    }
    png_set_write_fn(png, &buffer, write_data, flush_data);
    png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* 1-bit rows compress best unfiltered; and each row is written once a module row. */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    /* Rows repeat SCALE times and are mostly runs: the fastest deflate level loses little (~1.5 KB a poster). */
    png_set_compression_level(png, 1);
    png_write_info(png, info);

    /* Quiet rows: all white (1 bits). */
    memset(row, 0xFF, stride);
    for (int y = 0; y < quiet * scale; y++) png_write_row(png, row);
    for (int my = 0; my < size; my++) {
        memset(row, 0xFF, stride);
        const unsigned char *line = modules + (size_t)my * size;
        for (int mx = 0; mx < size; mx++) {
            if (!line[mx]) continue;
            int x = (mx + quiet) * scale;
            for (int k = 0; k < scale; k++, x++) row[x >> 3] &= (unsigned char)~(0x80u >> (x & 7));
        }
        for (int k = 0; k < scale; k++) png_write_row(png, row);
    }
    memset(row, 0xFF, stride);
    for (int y = 0; y < quiet * scale; y++) png_write_row(png, row);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    *out = buffer.data;
    *out_size = buffer.size;
    return 1;
}

void gridpass_png_free(unsigned char *png) { free(png); }
