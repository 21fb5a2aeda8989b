// OpenSlide (https://openslide.org, >= 3.4): vendor whole-slide formats behind one opaque
// handle, level-0 coordinates everywhere and errors sticky on the handle. Its API has no
// variadics or macros Swift cannot call, so this shim only includes it (the pkg-config
// "openslide" cflags put <openslide.h> on the path).
#ifndef STAINSHIFT_COPENSLIDE_SHIM_H
#define STAINSHIFT_COPENSLIDE_SHIM_H
#include <openslide.h>
#endif
