// Typed static inline wrappers around libtiff's variadic TIFFGetField/TIFFSetField,
// so Swift can call them without C varargs. Prefixed `sstiff_` to avoid clashes.
#ifndef STAINSHIFT_CTIFF_SHIM_H
#define STAINSHIFT_CTIFF_SHIM_H
#include <tiffio.h>
#include <stdint.h>

static inline int sstiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetField(tif, tag, value);
}
static inline int sstiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
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
#endif
