#ifndef CPNGWRITE_H
#define CPNGWRITE_H
#include <stddef.h>

/// Writes a QR code as a 1-bit greyscale PNG with libpng's low-level writer (the simplified
/// `png_image_*` API takes 8 bits a pixel, and converting them was most of a poster's time).
/// `modules` holds size × size bytes, non-zero = dark; each module becomes scale × scale pixels,
/// with a quiet zone of `quiet` modules. libpng's errors longjmp back into this function only.
/// On success returns 1 and a malloc'ed PNG in *out (free it with gridpass_png_free) of *out_size
/// bytes; on failure returns 0 and a message in `error`.
int gridpass_png_write_qr(const unsigned char *modules, int size, int quiet, int scale,
                          unsigned char **out, size_t *out_size, char *error, size_t error_size);

void gridpass_png_free(unsigned char *png);

#endif
