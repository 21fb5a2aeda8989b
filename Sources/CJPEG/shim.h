// libjpeg for decoding the raw JPEG tiles of OME-TIFFs that libtiff refuses. The whole decode
// lives here, in C, so the setjmp that catches libjpeg's error_exit is owned by a C frame and
// no longjmp ever crosses Swift frames. Prefixed `ssjpeg_`.
#ifndef STAINSHIFT_CJPEG_SHIM_H
#define STAINSHIFT_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

typedef struct ssjpeg_error_manager {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} ssjpeg_error_manager;

static void ssjpeg_error_exit(j_common_ptr cinfo) {
    ssjpeg_error_manager *e = (ssjpeg_error_manager *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

static void ssjpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }  // warnings stay silent

/// How the TIFF tags describe the stored colour: decides libjpeg's `jpeg_color_space`.
enum {
    SSJPEG_STORED_RGB = 0,    ///< Photometric RGB: raw RGB unless the stream says YCbCr (JFIF/Adobe/subsampling)
    SSJPEG_STORED_YCBCR = 1,  ///< Photometric YCbCr: convert to RGB
    SSJPEG_STORED_GREY = 2,   ///< one component
};

/// Decodes one JPEG stream (optionally preceded by an abbreviated tables-only stream, the TIFF
/// JPEGTables tag) into `out`: `out_components` bytes per pixel (3 RGB or 1 grey), rows of
/// `out_stride` bytes, clipped to `max_width` x `max_height`. Returns 1 on success, 0 with
/// `message` filled on failure. Only 8-bit JPEG.
static inline int ssjpeg_decode(const unsigned char *tables, unsigned long tables_length,
                                const unsigned char *data, unsigned long data_length,
                                int stored, int out_components,
                                unsigned char *out, size_t out_stride,
                                unsigned int max_width, unsigned int max_height,
                                char *message, size_t message_length) {
    struct jpeg_decompress_struct cinfo;
    ssjpeg_error_manager err;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = ssjpeg_error_exit;
    err.pub.output_message = ssjpeg_output_message;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        snprintf(message, message_length, "%s", err.message);
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    jpeg_create_decompress(&cinfo);
    if (data_length == 0) {
        snprintf(message, message_length, "empty JPEG tile");
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    if (tables != NULL && tables_length > 4) {
        jpeg_mem_src(&cinfo, tables, tables_length);
        (void)jpeg_read_header(&cinfo, FALSE);  // tables-only stream: loads Huffman/quant tables
    }
    jpeg_mem_src(&cinfo, data, data_length);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        snprintf(message, message_length, "JPEG tile has no image");
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    if (cinfo.data_precision != 8) {
        snprintf(message, message_length, "%d-bit JPEG is not supported", cinfo.data_precision);
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    if (cinfo.num_components != out_components || (out_components != 1 && out_components != 3)) {
        snprintf(message, message_length, "JPEG tile has %d components, the TIFF tags say %d",
                 cinfo.num_components, out_components);
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    if (out_components == 3) {
        if (stored == SSJPEG_STORED_YCBCR) {
            cinfo.jpeg_color_space = JCS_YCbCr;
        } else if (!cinfo.saw_JFIF_marker && !cinfo.saw_Adobe_marker) {
            // libtiff writes Photometric=RGB JPEG as raw RGB with no marker; keep that, unless the
            // stream is chroma-subsampled, which only makes sense for YCbCr (the Bio-Formats case).
            int subsampled = 0;
            for (int c = 0; c < cinfo.num_components; c++)
                if (cinfo.comp_info[c].h_samp_factor != cinfo.comp_info[0].h_samp_factor ||
                    cinfo.comp_info[c].v_samp_factor != cinfo.comp_info[0].v_samp_factor) subsampled = 1;
            cinfo.jpeg_color_space = subsampled ? JCS_YCbCr : JCS_RGB;
        }
        cinfo.out_color_space = JCS_RGB;
    } else {
        cinfo.out_color_space = JCS_GRAYSCALE;
    }
    jpeg_start_decompress(&cinfo);
    JSAMPARRAY scratch = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
                                                    cinfo.output_width * (JDIMENSION)out_components, 1);
    size_t copy_width = cinfo.output_width < max_width ? cinfo.output_width : max_width;
    while (cinfo.output_scanline < cinfo.output_height) {
        JDIMENSION y = cinfo.output_scanline;
        if (y < max_height && cinfo.output_width <= max_width) {
            JSAMPROW row = out + (size_t)y * out_stride;
            (void)jpeg_read_scanlines(&cinfo, &row, 1);
        } else {
            (void)jpeg_read_scanlines(&cinfo, scratch, 1);
            if (y < max_height) memcpy(out + (size_t)y * out_stride, scratch[0], copy_width * (size_t)out_components);
        }
    }
    (void)jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 1;
}
#endif
