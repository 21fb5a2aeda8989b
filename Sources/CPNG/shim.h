// libpng for StainShift. Writing uses the simplified API (png_image_*). Reading uses the full
// API, so no gamma or colour-space conversion alters the stored samples, driven from these C
// functions that each own the setjmp libpng longjmps to: no longjmp ever crosses a Swift frame.
// Prefixed `sspng_`.
#ifndef STAINSHIFT_CPNG_SHIM_H
#define STAINSHIFT_CPNG_SHIM_H
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/// An open PNG being read: header facts after `sspng_open`, rows after `sspng_read`.
typedef struct sspng_reader {
    png_structp png;
    png_infop info;
    FILE *file;
    char message[256];
    // From IHDR, as stored.
    uint32_t width, height;
    int bit_depth, color_type, interlaced;
    // After the expansion transforms: 8 or 16 bits, 3 (RGB) or 4 (RGBA) samples per pixel.
    int out_bit_depth, out_channels;
    size_t row_bytes;
    // pHYs: pixels per unit and unit (1 = metre); has_phys 0 when absent.
    int has_phys;
    uint32_t phys_x, phys_y;
    int phys_unit;
} sspng_reader;

static void sspng_error(png_structp png, png_const_charp text) {
    sspng_reader *r = (sspng_reader *)png_get_error_ptr(png);
    if (r != NULL && r->message[0] == 0) snprintf(r->message, sizeof r->message, "%s", text);
    png_longjmp(png, 1);
}
static void sspng_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static inline void sspng_close(sspng_reader *r) {
    if (r->png != NULL) png_destroy_read_struct(&r->png, r->info != NULL ? &r->info : NULL, NULL);
    r->png = NULL;
    r->info = NULL;
    if (r->file != NULL) fclose(r->file);
    r->file = NULL;
}

/// Opens `path`, reads the header and sets up expansion to 8/16-bit RGB or RGBA (palette and
/// grey expanded, tRNS to alpha, 16-bit in host byte order). Returns 1, or 0 with `message`.
static inline int sspng_open(sspng_reader *r, const char *path) {
    memset(r, 0, sizeof *r);
    r->file = fopen(path, "rb");
    if (r->file == NULL) { snprintf(r->message, sizeof r->message, "cannot be opened for reading"); return 0; }
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, sspng_error, sspng_warning);
    if (r->png == NULL) { snprintf(r->message, sizeof r->message, "out of memory"); sspng_close(r); return 0; }
    r->info = png_create_info_struct(r->png);
    if (r->info == NULL) { snprintf(r->message, sizeof r->message, "out of memory"); sspng_close(r); return 0; }
    if (setjmp(png_jmpbuf(r->png))) { sspng_close(r); return 0; }
    // Chunk CRCs are still checked, so corruption is caught; the zlib stream's own Adler-32 over
    // the inflated bytes adds nothing to that and costs about 1% of a tile's CPU.
#ifdef PNG_IGNORE_ADLER32
    (void)png_set_option(r->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    (void)setvbuf(r->file, NULL, _IOFBF, 1 << 16);
    png_init_io(r->png, r->file);
    png_read_info(r->png, r->info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(r->png, r->info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    r->width = w; r->height = h; r->bit_depth = depth; r->color_type = color;
    r->interlaced = interlace != PNG_INTERLACE_NONE;
    png_uint_32 px = 0, py = 0;
    int unit = 0;
    if (png_get_pHYs(r->png, r->info, &px, &py, &unit) != 0) {
        r->has_phys = 1; r->phys_x = px; r->phys_y = py; r->phys_unit = unit;
    }
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(r->png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(r->png);
    if (png_get_valid(r->png, r->info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(r->png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(r->png);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (depth == 16) png_set_swap(r->png);
#endif
    (void)png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);
    r->out_bit_depth = png_get_bit_depth(r->png, r->info);
    r->out_channels = png_get_channels(r->png, r->info);
    r->row_bytes = png_get_rowbytes(r->png, r->info);
    if ((r->out_bit_depth != 8 && r->out_bit_depth != 16) || (r->out_channels != 3 && r->out_channels != 4)) {
        snprintf(r->message, sizeof r->message, "unexpected PNG layout after expansion (%d-bit, %d channels)",
                 r->out_bit_depth, r->out_channels);
        sspng_close(r);
        return 0;
    }
    return 1;
}

/// Reads every row into `buffer` (height rows of `row_bytes`, laid out contiguously).
static inline int sspng_read(sspng_reader *r, unsigned char *buffer, size_t buffer_size) {
    if (r->png == NULL) { snprintf(r->message, sizeof r->message, "PNG is not open"); return 0; }
    if (buffer_size < r->row_bytes * (size_t)r->height) {
        snprintf(r->message, sizeof r->message, "buffer too small");
        return 0;
    }
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * (r->height > 0 ? r->height : 1));
    if (rows == NULL) { snprintf(r->message, sizeof r->message, "out of memory"); return 0; }
    for (uint32_t y = 0; y < r->height; y++) rows[y] = buffer + (size_t)y * r->row_bytes;
    if (setjmp(png_jmpbuf(r->png))) { free(rows); return 0; }
    png_read_image(r->png, rows);
    free(rows);
    return 1;
}
#endif
