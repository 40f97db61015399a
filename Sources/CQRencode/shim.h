#ifndef CQRENCODE_SHIM_H
#define CQRENCODE_SHIM_H
#include <errno.h>
#include <qrencode.h>

/// errno is a macro; Swift reads it through this function, right after a failed call.
static inline int CQRencode_errno(void) { return errno; }
static inline void CQRencode_clear_errno(void) { errno = 0; }

#endif
