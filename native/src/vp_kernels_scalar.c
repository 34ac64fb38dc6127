/* Scalar reference kernels. Every SIMD kernel (vp_kernels_x86.c, later NEON) must match these
 * bit for bit: same float operations in the same order, built with -ffp-contract=off. */
#include "vp_internal.h"

static void vacc_u8_scalar(float *acc, const uint8_t *row, float w, size_t n, int first) {
    size_t i;
    if (first) {
        for (i = 0; i < n; i++) acc[i] = w * (float)row[i];
    } else {
        for (i = 0; i < n; i++) acc[i] = acc[i] + w * (float)row[i];
    }
}

static void hpass3_scalar(const float *acc, int cin, const int32_t *idx, const int32_t *cnt,
                          const float *w, int maxtaps, int n, float *out) {
    int k, t;
    for (k = 0; k < n; k++) {
        const float *p = acc + idx[k];
        const float *wk = w + (size_t)k * (size_t)maxtaps;
        float s0 = wk[0] * p[0], s1 = wk[0] * p[1], s2 = wk[0] * p[2];
        for (t = 1; t < cnt[k]; t++) {
            const float *q = p + (size_t)t * (size_t)cin;
            s0 = s0 + wk[t] * q[0];
            s1 = s1 + wk[t] * q[1];
            s2 = s2 + wk[t] * q[2];
        }
        out[3 * k + 0] = s0;
        out[3 * k + 1] = s1;
        out[3 * k + 2] = s2;
    }
}

void vp__kernels_scalar(vp__kernels *k) {
    k->vacc_u8 = vacc_u8_scalar;
    k->hpass3 = hpass3_scalar;
    k->level = VP_SIMD_SCALAR;
}
