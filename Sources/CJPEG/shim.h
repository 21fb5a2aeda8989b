// libjpeg for decoding the raw JPEG tiles of OME-TIFFs that libtiff refuses.
#ifndef STAINSHIFT_CJPEG_SHIM_H
#define STAINSHIFT_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#endif
