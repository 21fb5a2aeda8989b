// Typed static inline wrappers around libtiff's variadic TIFFGetField/TIFFSetField,
// so Swift can call them without C varargs, plus per-handle capture of libtiff's error and
// warning messages (TIFFOpenOptions, libtiff >= 4.5) so nothing is printed raw to stderr.
// Prefixed `sstiff_` to avoid clashes.
#ifndef STAINSHIFT_CTIFF_SHIM_H
#define STAINSHIFT_CTIFF_SHIM_H
#include <tiffio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/// Messages libtiff reported for one handle: the first error (what went wrong first is what
/// the user needs) and how many errors and warnings followed.
typedef struct sstiff_diagnostics {
    char error[512];
    int error_count;
    int warning_count;
} sstiff_diagnostics;

static int sstiff_capture_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    sstiff_diagnostics *d = (sstiff_diagnostics *)user;
    if (d == NULL) return 1;
    if (d->error_count == 0) {
        char text[448];
        vsnprintf(text, sizeof text, fmt, ap);
        if (module != NULL && module[0] != 0) snprintf(d->error, sizeof d->error, "%s: %s", module, text);
        else snprintf(d->error, sizeof d->error, "%s", text);
    }
    d->error_count++;
    return 1;  // handled: libtiff must not call the global (printing) handlers
}

static int sstiff_capture_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module; (void)fmt; (void)ap;
    sstiff_diagnostics *d = (sstiff_diagnostics *)user;
    if (d != NULL) d->warning_count++;
    return 1;
}

/// Opens `path` with `mode` ("r", "w", "w8", ...), routing every message to `diag`.
/// `max_single_alloc` bounds any one libtiff allocation (0: libtiff's default).
static inline TIFF *sstiff_open(const char *path, const char *mode, sstiff_diagnostics *diag,
                                int64_t max_single_alloc) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, sstiff_capture_error, diag);
    TIFFOpenOptionsSetWarningHandlerExtR(options, sstiff_capture_warning, diag);
    if (max_single_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)max_single_alloc);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

/// Messages raised without a handle (rare: before TIFFOpenExt has one) would go to the global
/// handlers, which print to stderr. Silence them; per-handle capture still sees everything else.
static inline void sstiff_silence_global_handlers(void) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

static inline int sstiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetField(tif, tag, value);
}
static inline int sstiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
}
static inline int sstiff_get_u16_pair_defaulted(TIFF *tif, uint32_t tag, uint16_t *first, uint16_t *second) {
    return TIFFGetFieldDefaulted(tif, tag, first, second);
}
static inline int sstiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) {
    return TIFFGetField(tif, tag, value);
}
static inline int sstiff_get_float(TIFF *tif, uint32_t tag, float *value) {
    return TIFFGetField(tif, tag, value);
}
static inline int sstiff_get_string(TIFF *tif, uint32_t tag, char **value) {
    return TIFFGetField(tif, tag, value);
}
/// Tags whose value is a count plus an array (ExtraSamples: uint16 count, JPEGTables: uint32 count).
static inline int sstiff_get_extrasamples(TIFF *tif, uint16_t *count, uint16_t **values) {
    return TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, count, values);
}
static inline int sstiff_get_jpegtables(TIFF *tif, uint32_t *count, void **values) {
    return TIFFGetField(tif, TIFFTAG_JPEGTABLES, count, values);
}
static inline int sstiff_get_colormap(TIFF *tif, uint16_t **red, uint16_t **green, uint16_t **blue) {
    return TIFFGetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
static inline int sstiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) {
    return TIFFSetField(tif, tag, (int)value);
}
static inline int sstiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) {
    return TIFFSetField(tif, tag, value);
}
static inline int sstiff_set_double(TIFF *tif, uint32_t tag, double value) {
    return TIFFSetField(tif, tag, value);
}
static inline int sstiff_set_string(TIFF *tif, uint32_t tag, const char *value) {
    return TIFFSetField(tif, tag, value);
}
static inline int sstiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *values) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, count, values);
}
static inline int sstiff_set_colormap(TIFF *tif, uint16_t *red, uint16_t *green, uint16_t *blue) {
    return TIFFSetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
static inline int sstiff_set_u16_pair(TIFF *tif, uint32_t tag, uint16_t first, uint16_t second) {
    return TIFFSetField(tif, tag, (int)first, (int)second);
}
#endif
