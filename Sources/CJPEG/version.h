// libjpeg's version for `stainshift --version` and report provenance. libjpeg has no run-time
// version call, so these are the macros of the headers the binary was built against (the linked
// library has the same soname, i.e. the same API version). Prefixed `ssjpeg_`.
#ifndef STAINSHIFT_CJPEG_VERSION_H
#define STAINSHIFT_CJPEG_VERSION_H
#include <stdio.h>
#include <jpeglib.h>

#define SSJPEG_TEXT_(x) #x
#define SSJPEG_TEXT(x) SSJPEG_TEXT_(x)

/// "libjpeg-turbo 2.1.5 (libjpeg API 62)", or "libjpeg API 80" for another libjpeg.
static inline const char *ssjpeg_version(void) {
#ifdef LIBJPEG_TURBO_VERSION
    return "libjpeg-turbo " SSJPEG_TEXT(LIBJPEG_TURBO_VERSION) " (libjpeg API " SSJPEG_TEXT(JPEG_LIB_VERSION) ")";
#else
    return "libjpeg API " SSJPEG_TEXT(JPEG_LIB_VERSION);
#endif
}

#endif
