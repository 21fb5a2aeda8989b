// Whole-file JPEG decoding (and, for tests and fuzz seeds, encoding) through libjpeg-turbo.
// libjpeg reports fatal errors by calling error_exit, whose default ends the process; here it
// longjmps back to a setjmp owned by the C function itself, so no longjmp crosses a Swift frame.
// Corrupt-data warnings (a truncated file, a bad Huffman code) are fatal too: libjpeg would
// otherwise fill the missing rows with grey and report success (libjpeg.txt, "Error handling").
// Prefixed `ssjpg_`.
#ifndef STAINSHIFT_CJPEGCODEC_H
#define STAINSHIFT_CJPEGCODEC_H
#include <stddef.h>

/// Why a call failed; `SSJPG_OK` on success.
typedef enum ssjpg_status {
    SSJPG_OK = 0,
    SSJPG_FAILED = 1,       ///< libjpeg error or corrupt-data warning; `message` says which
    SSJPG_TRUNCATED = 2,    ///< the data ends before the image does
    SSJPG_PRECISION = 3,    ///< not 8-bit samples; `precision` holds the value
    SSJPG_CMYK = 4,         ///< CMYK or YCCK (Adobe): four components
    SSJPG_COMPONENTS = 5,   ///< neither 1 nor 3 components; `components` holds the count
    SSJPG_SIZE = 6,         ///< the output buffer does not match the header's size
    SSJPG_SCANS = 7,        ///< more progressive scans than `SSJPG_MAX_SCANS`
} ssjpg_status;

/// Progressive files with more scans than this are refused: each scan re-walks the whole
/// coefficient buffer, so a hostile file of thousands of tiny scans would take minutes
/// (the limit libjpeg-turbo's own fuzzers and TurboJPEG's TJPARAM_SCANLIMIT use is 500).
#define SSJPG_MAX_SCANS 500

/// What the header says, and the outcome.
typedef struct ssjpg_result {
    int status;                ///< an `ssjpg_status`
    unsigned int width;        ///< as stored (before any EXIF orientation)
    unsigned int height;
    int components;            ///< 1 grey, 3 colour
    int colour_space;          ///< libjpeg's J_COLOR_SPACE of the stored data (JCS_YCbCr, JCS_RGB, ...)
    int precision;             ///< bits per sample
    int progressive;           ///< 1 for a progressive (SOF2) file
    int arithmetic;            ///< 1 for arithmetic coding
    char message[200];         ///< libjpeg's text when status is SSJPG_FAILED
} ssjpg_result;

/// Reads the header of the JPEG stream `data` and, when `out` is not NULL, decodes it as RGB
/// (grey expanded, YCbCr converted by libjpeg) into `out`, which must hold exactly
/// width x height x 3 bytes (checked against `out_length` before any row is decoded).
/// Returns `result->status`.
int ssjpg_decode(const unsigned char *data, size_t length, unsigned char *out, size_t out_length,
                 ssjpg_result *result);

/// Encodes `pixels` (width x height x components bytes, row-major; 1 grey, 3 RGB, 4 CMYK) as a
/// JPEG at `quality` (1-100), progressive or baseline, with chroma subsampled 2x2 when `subsample`
/// (colour only). On success returns 1 and a malloc'd buffer in `*jpeg`, free it with
/// `ssjpg_free`; returns 0 on failure with `message` filled. StainShift writes no JPEG itself:
/// this makes test fixtures and fuzz seeds from the same library that decodes them.
int ssjpg_encode(const unsigned char *pixels, unsigned int width, unsigned int height, int components,
                 int quality, int progressive, int subsample,
                 unsigned char **jpeg, unsigned long *jpeg_length, char *message, size_t message_length);

/// Frees a buffer from `ssjpg_encode`.
void ssjpg_free(unsigned char *jpeg);

#endif
