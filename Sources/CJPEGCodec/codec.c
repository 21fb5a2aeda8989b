// See include/CJPEGCodec.h. Everything between setjmp and the return runs in this file's frames.
#include "CJPEGCodec.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// libjpeg's error manager, extended with the way back (jump) and where the outcome goes.
typedef struct ssjpg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    ssjpg_result *result;
} ssjpg_error;

/// The progress monitor that caps progressive scans; libjpeg calls it once per iMCU row.
typedef struct ssjpg_progress {
    struct jpeg_progress_mgr pub;
    ssjpg_error *error;
} ssjpg_progress;

static void ssjpg_fail(j_common_ptr cinfo, int status) {
    ssjpg_error *e = (ssjpg_error *)cinfo->err;
    if (e->result != NULL) {
        e->result->status = status;
        (*cinfo->err->format_message)(cinfo, e->result->message);
    }
    longjmp(e->jump, 1);
}

/// Fatal errors: the default would print and exit(); this jumps back to the caller's setjmp.
static void ssjpg_error_exit(j_common_ptr cinfo) {
    switch (cinfo->err->msg_code) {
    case JERR_BAD_PRECISION:
        if (((ssjpg_error *)cinfo->err)->result != NULL)
            ((ssjpg_error *)cinfo->err)->result->precision = cinfo->err->msg_parm.i[0];
        ssjpg_fail(cinfo, SSJPG_PRECISION);
        break;
    case JERR_INPUT_EOF: ssjpg_fail(cinfo, SSJPG_TRUNCATED); break;
    default: ssjpg_fail(cinfo, SSJPG_FAILED); break;
    }
}

/// Warnings (level -1) that leave the pixels as the encoder meant them; every other warning is
/// corrupt or missing data, which libjpeg would paper over with grey rows, so it is fatal.
static int ssjpg_benign(struct jpeg_error_mgr *err) {
    switch (err->msg_code) {
    case JWRN_ADOBE_XFORM:  // unknown transform code: libjpeg falls back to the JFIF rules
    case JWRN_JFIF_MAJOR:   // a newer JFIF revision
    case JWRN_BOGUS_ICC:    // a broken ICC profile, which StainShift does not use
        return 1;
    case JWRN_EXTRANEOUS_DATA:  // padding some cameras leave before the final EOI marker
        return err->msg_parm.i[1] == JPEG_EOI;
    default:
        return 0;
    }
}

static void ssjpg_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0 || ssjpg_benign(cinfo->err)) return;  // traces, and harmless warnings
    ssjpg_fail(cinfo, cinfo->err->msg_code == JWRN_JPEG_EOF ? SSJPG_TRUNCATED : SSJPG_FAILED);
}

static void ssjpg_output_message(j_common_ptr cinfo) { (void)cinfo; }  // nothing reaches stderr

static void ssjpg_monitor(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > SSJPG_MAX_SCANS) {
        ssjpg_error *e = ((ssjpg_progress *)cinfo->progress)->error;
        snprintf(e->result->message, sizeof e->result->message,
                 "more than %d progressive scans", SSJPG_MAX_SCANS);
        e->result->status = SSJPG_SCANS;
        longjmp(e->jump, 1);
    }
}

int ssjpg_decode(const unsigned char *data, size_t length, unsigned char *out, size_t out_length,
                 ssjpg_result *result) {
    struct jpeg_decompress_struct cinfo;
    ssjpg_error err;
    ssjpg_progress progress;
    memset(result, 0, sizeof *result);
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = ssjpg_error_exit;
    err.pub.emit_message = ssjpg_emit_message;
    err.pub.output_message = ssjpg_output_message;
    err.result = result;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return result->status;
    }
    jpeg_create_decompress(&cinfo);
    memset(&progress, 0, sizeof progress);
    progress.pub.progress_monitor = ssjpg_monitor;
    progress.error = &err;
    cinfo.progress = &progress.pub;
    if (length == 0) {
        result->status = SSJPG_TRUNCATED;
        jpeg_destroy_decompress(&cinfo);
        return result->status;
    }
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    (void)jpeg_read_header(&cinfo, TRUE);  // no image (tables only) is an error_exit
    result->width = cinfo.image_width;
    result->height = cinfo.image_height;
    result->components = cinfo.num_components;
    result->colour_space = (int)cinfo.jpeg_color_space;
    result->precision = cinfo.data_precision;
    result->progressive = cinfo.progressive_mode ? 1 : 0;
    result->arithmetic = cinfo.arith_code ? 1 : 0;
    if (cinfo.data_precision != 8) {
        result->status = SSJPG_PRECISION;
    } else if (cinfo.num_components == 4 || cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        result->status = SSJPG_CMYK;
    } else if (cinfo.num_components != 1 && cinfo.num_components != 3) {
        result->status = SSJPG_COMPONENTS;
    }
    if (result->status != SSJPG_OK || out == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return result->status;
    }
    cinfo.out_color_space = JCS_RGB;  // from grey, YCbCr or RGB
    jpeg_calc_output_dimensions(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    if (cinfo.output_components != 3 || stride * cinfo.output_height != out_length) {
        snprintf(result->message, sizeof result->message, "decoder output %u x %u does not match the header",
                 cinfo.output_width, cinfo.output_height);
        result->status = SSJPG_SIZE;
        jpeg_destroy_decompress(&cinfo);
        return result->status;
    }
    (void)jpeg_start_decompress(&cinfo);  // a progressive file is read whole here
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        JDIMENSION n = cinfo.output_height - cinfo.output_scanline;
        if (n > 16) n = 16;
        for (JDIMENSION i = 0; i < n; i++) rows[i] = out + (size_t)(cinfo.output_scanline + i) * stride;
        if (jpeg_read_scanlines(&cinfo, rows, n) == 0) {  // only a suspending source returns 0
            result->status = SSJPG_TRUNCATED;
            jpeg_destroy_decompress(&cinfo);
            return result->status;
        }
    }
    (void)jpeg_finish_decompress(&cinfo);  // reads on to EOI, so a cut after the last row still counts
    jpeg_destroy_decompress(&cinfo);
    return SSJPG_OK;
}

int ssjpg_encode(const unsigned char *pixels, unsigned int width, unsigned int height, int components,
                 int quality, int progressive, int subsample,
                 unsigned char **jpeg, unsigned long *jpeg_length, char *message, size_t message_length) {
    struct jpeg_compress_struct cinfo;
    ssjpg_error err;
    ssjpg_result result;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&result, 0, sizeof result);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = ssjpg_error_exit;
    err.pub.emit_message = ssjpg_emit_message;
    err.pub.output_message = ssjpg_output_message;
    err.result = &result;
    *jpeg = NULL;
    *jpeg_length = 0;
    if (setjmp(err.jump)) {
        snprintf(message, message_length, "%s", result.message);
        jpeg_destroy_compress(&cinfo);
        free(*jpeg);
        *jpeg = NULL;
        return 0;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, jpeg, jpeg_length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (!subsample)
        for (int c = 0; c < cinfo.num_components; c++)
            cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        (void)jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 1;
}

void ssjpg_free(unsigned char *jpeg) { free(jpeg); }
