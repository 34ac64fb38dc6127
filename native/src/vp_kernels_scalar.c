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

/* BT.601 limited range, the constants and rounding of OpenCV's cvtColor(YUV2RGB_NV21/NV12/I420). */
enum { CY = 1220542, CUB = 2116026, CUG = -409993, CVG = -852492, CVR = 1673527, YSHIFT = 20 };

static uint8_t sat8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

static void yuv_row_scalar(const uint8_t *Y, const uint8_t *U, const uint8_t *V, int ustep, int x0, int x1,
                           uint8_t *out) {
    int x;
    for (x = x0; x < x1; x++) {
        int u = U[(x / 2) * ustep] - 128, v = V[(x / 2) * ustep] - 128;
        int y = Y[x] - 16;
        int yy = (y < 0 ? 0 : y) * CY;
        uint8_t *o = out + (size_t)(x - x0) * 3u;
        o[0] = sat8((yy + (1 << (YSHIFT - 1)) + CVR * v) >> YSHIFT);
        o[1] = sat8((yy + (1 << (YSHIFT - 1)) + CVG * v + CUG * u) >> YSHIFT);
        o[2] = sat8((yy + (1 << (YSHIFT - 1)) + CUB * u) >> YSHIFT);
    }
}

static void norm3_f32_scalar(const float *h, size_t n, const float *mean, const float *inv, float *const *dst) {
    size_t k;
    int j;
    for (j = 0; j < 3; j++) {
        float *d = dst[j];
        const float m = mean[j], a = inv[j];
        for (k = 0; k < n; k++) d[k] = (h[3 * k + (size_t)j] - m) * a;
    }
}

void vp__yuv_row_scalar_tail(const uint8_t *Y, const uint8_t *U, const uint8_t *V, int ustep, int x0, int x1,
                             uint8_t *out) {
    yuv_row_scalar(Y, U, V, ustep, x0, x1, out);
}

void vp__kernels_scalar(vp__kernels *k) {
    k->yuv_row = yuv_row_scalar;
    k->norm3_f32 = norm3_f32_scalar;
    k->vacc_u8 = vacc_u8_scalar;
    k->hpass3 = hpass3_scalar;
    k->level = VP_SIMD_SCALAR;
}
