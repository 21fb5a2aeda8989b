// libpng through its simplified API (png_image_*), which never longjmps into Swift frames.
#ifndef STAINSHIFT_CPNG_SHIM_H
#define STAINSHIFT_CPNG_SHIM_H
#include <png.h>
#include <stdint.h>

static inline size_t sspng_row_stride(const png_image *image) {
    return PNG_IMAGE_ROW_STRIDE(*image);
}
static inline size_t sspng_buffer_size(const png_image *image) {
    return PNG_IMAGE_BUFFER_SIZE(*image, PNG_IMAGE_ROW_STRIDE(*image));
}
static inline int sspng_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image);
}
static const uint32_t SSPNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const uint32_t SSPNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const uint32_t SSPNG_FORMAT_LINEAR_RGB = PNG_FORMAT_LINEAR_RGB;
static const uint32_t SSPNG_FORMAT_FLAG_LINEAR = PNG_FORMAT_FLAG_LINEAR;
static const uint32_t SSPNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
#endif
