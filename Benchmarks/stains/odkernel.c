/* Reference C kernel for Benchmarks/stains/bench.sh: 8-bit RGB -> three float32 OD planes
 * (h-dab, white 255) through a 256-entry OD lookup table and the 3x3 inverse, rows split with
 * OpenMP. Same pixels (xorshift) and same timing rule (best of N, buffer reused) as StainsBench.
 * Build: gcc -O3 -march=native -fopenmp odkernel.c -o odkernel -lm
 * Usage: odkernel [SIZE=4096] [ITERATIONS=20] */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void invert3(const double m[9], double inv[9]) {
    double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    inv[0] = (m[4] * m[8] - m[5] * m[7]) / det; inv[1] = (m[2] * m[7] - m[1] * m[8]) / det; inv[2] = (m[1] * m[5] - m[2] * m[4]) / det;
    inv[3] = (m[5] * m[6] - m[3] * m[8]) / det; inv[4] = (m[0] * m[8] - m[2] * m[6]) / det; inv[5] = (m[2] * m[3] - m[0] * m[5]) / det;
    inv[6] = (m[3] * m[7] - m[4] * m[6]) / det; inv[7] = (m[1] * m[6] - m[0] * m[7]) / det; inv[8] = (m[0] * m[4] - m[1] * m[3]) / det;
}

static void normalise(double *v) {
    double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    v[0] /= n; v[1] /= n; v[2] /= n;
}

int main(int argc, char **argv) {
    long size = argc > 1 ? atol(argv[1]) : 4096;
    int iterations = argc > 2 ? atoi(argv[2]) : 20;
    long n = size * size;
    uint8_t *src = malloc((size_t)n * 3);
    float *dst = malloc((size_t)n * 3 * sizeof(float));
    if (!src || !dst) { fprintf(stderr, "odkernel: out of memory\n"); return 1; }
    uint32_t state = 2463534242u;
    for (long i = 0; i < n * 3; i++) {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5;
        src[i] = (uint8_t)(state >> 24);
    }
    /* Ruifrok & Johnston (2001) H-DAB, third row = normalised cross product. */
    double m[9] = {0.650, 0.704, 0.286, 0.268, 0.570, 0.776, 0, 0, 0};
    normalise(m); normalise(m + 3);
    m[6] = m[1] * m[5] - m[2] * m[4]; m[7] = m[2] * m[3] - m[0] * m[5]; m[8] = m[0] * m[4] - m[1] * m[3];
    normalise(m + 6);
    double invd[9]; invert3(m, invd);
    float inv[9]; for (int k = 0; k < 9; k++) inv[k] = (float)invd[k];
    float lut[256];
    for (int v = 0; v < 256; v++) lut[v] = (float)(-log10((v < 1 ? 1.0 : (double)v) / 255.0));

    double best = 1e30, checksum = 0;
    for (int it = -1; it < iterations; it++) {   /* it = -1: warm-up, faults in the buffer */
        double t0 = omp_get_wtime();
        float *restrict p0 = dst, *restrict p1 = dst + n, *restrict p2 = dst + 2 * n;
        const uint8_t *restrict s = src;
        /* Per row: table look-ups into three small float buffers, then a loop gcc vectorises. */
        #pragma omp parallel for schedule(static)
        for (long y = 0; y < size; y++) {
            float r[256], g[256], b[256];
            for (long x0 = 0; x0 < size; x0 += 256) {
                long len = size - x0 < 256 ? size - x0 : 256, i0 = y * size + x0;
                const uint8_t *restrict q = s + 3 * i0;
                for (long j = 0; j < len; j++) {
                    r[j] = lut[q[3 * j]]; g[j] = lut[q[3 * j + 1]]; b[j] = lut[q[3 * j + 2]];
                }
                float *restrict o0 = p0 + i0, *restrict o1 = p1 + i0, *restrict o2 = p2 + i0;
                for (long j = 0; j < len; j++) {
                    o0[j] = r[j] * inv[0] + g[j] * inv[3] + b[j] * inv[6];
                    o1[j] = r[j] * inv[1] + g[j] * inv[4] + b[j] * inv[7];
                    o2[j] = r[j] * inv[2] + g[j] * inv[5] + b[j] * inv[8];
                }
            }
        }
        double t = omp_get_wtime() - t0;
        if (it >= 0) { if (t < best) best = t; checksum += dst[(3 * n) / 2]; }
    }
    printf("megapixels_per_second %.1f threads %d size %ld checksum %.4f\n",
           (double)n / best / 1e6, omp_get_max_threads(), size, checksum);
    free(src); free(dst);
    return 0;
}
