#ifndef CZBAR_SHIM_H
#define CZBAR_SHIM_H
#include <zbar.h>

/// zbar's image formats are fourcc codes, built by a macro Swift cannot call.
static inline unsigned long CZBar_fourcc_Y800(void) { return zbar_fourcc('Y', '8', '0', '0'); }
static inline unsigned long CZBar_fourcc_JPEG(void) { return zbar_fourcc('J', 'P', 'E', 'G'); }

#endif
