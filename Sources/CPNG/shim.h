#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <png.h>
#include <string.h>

/// A `png_image` set up for writing with the simplified API (no setjmp/longjmp).
static inline png_image CPNG_image(png_uint_32 width, png_uint_32 height, png_uint_32 format) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = format;
    return image;
}

static inline png_uint_32 CPNG_FORMAT_GRAY(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 CPNG_FORMAT_RGB_COLORMAP(void) { return PNG_FORMAT_RGB | PNG_FORMAT_FLAG_COLORMAP; }
static inline int CPNG_IMAGE_FAILED(png_image *image) { return PNG_IMAGE_FAILED(*image); }
static inline int CPNG_IMAGE_ERROR(png_image *image) { return (image->warning_or_error & 3) > 1; }

/// Writes 8-bit pixels (grey values, or colour-map indices when `colormap` is not NULL) to memory.
/// With `memory == NULL` only the needed size is stored in `*size`.
static inline int CPNG_write_to_memory(png_image *image, void *memory, png_alloc_size_t *size,
                                       const void *pixels, png_int_32 row_stride,
                                       const void *colormap) {
    return png_image_write_to_memory(image, memory, size, 0, pixels, row_stride, colormap);
}

static inline int CPNG_begin_read_from_memory(png_image *image, const void *memory, size_t size) {
    return png_image_begin_read_from_memory(image, memory, size);
}
static inline int CPNG_finish_read(png_image *image, void *buffer, png_int_32 row_stride) {
    return png_image_finish_read(image, NULL, buffer, row_stride, NULL);
}
static inline size_t CPNG_IMAGE_SIZE(png_image *image) { return PNG_IMAGE_SIZE(*image); }

#endif
