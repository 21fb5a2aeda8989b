/* Non-temporal (streaming) stores for the deconvolution kernel. Swift has no spelling for them;
 * clang's __builtin_nontemporal_store compiles to movntps (x86-64) or stnp (arm64). Writing the
 * float planes past the cache skips the read-for-ownership of every destination line, which is
 * a third of the kernel's memory traffic. Header-only: the functions inline into Swift code. */
#ifndef STAINSHIFT_STREAM_STORE_H
#define STAINSHIFT_STREAM_STORE_H

/* Eight floats, imported into Swift as SIMD8<Float>; 16-byte alignment is all a store needs. */
typedef float ss_float8 __attribute__((ext_vector_type(8), aligned(16)));

/* Stores v at p (16-byte aligned) bypassing the cache. */
static inline __attribute__((always_inline)) void ss_stream8(float *p, ss_float8 v) {
    __builtin_nontemporal_store(v, (ss_float8 *)p);
}

/* Orders earlier streaming stores before later stores; call once when a worker is done. */
static inline void ss_store_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
