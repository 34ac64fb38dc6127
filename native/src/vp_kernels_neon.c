/* NEON kernels (AArch64, where Advanced SIMD is architectural: always present, no run-time probe).
 * Each mirrors its scalar reference in vp_kernels_scalar.c operation for operation, so the bytes
 * are identical:
 *  - float kernels: vmulq_f32 then vaddq_f32 in the scalar order, never vmlaq/vfmaq (and the build
 *    uses -ffp-contract=off so the compiler cannot fuse them either); u8 -> f32 is exact.
 *  - YUV: the same 32-bit integer formula; the narrowing saturations (s32 -> s16 -> u8) clamp
 *    exactly like sat8, and vqsub(y, 16) is max(y - 16, 0).
 * tests/test_kernels.c compares every kernel against the scalar one on random data and all
 * lengths/offsets; tests/test_main.c compares the whole fused pass. */
#include "vp_internal.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

static inline void cvt16(uint8x16_t b, float32x4_t f[4]) {
    uint16x8_t lo = vmovl_u8(vget_low_u8(b)), hi = vmovl_u8(vget_high_u8(b));
    f[0] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo)));
    f[1] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(lo)));
    f[2] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi)));
    f[3] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(hi)));
}

static void vacc_u8_neon(float *acc, const uint8_t *row, float w, size_t n, int first) {
    const float32x4_t vw = vdupq_n_f32(w);
    size_t i = 0;
    int j;
    for (; i + 16 <= n; i += 16) {
        float32x4_t f[4];
        cvt16(vld1q_u8(row + i), f);
        for (j = 0; j < 4; j++) {
            float32x4_t p = vmulq_f32(vw, f[j]); /* w * x, as the scalar reference */
            if (!first) p = vaddq_f32(vld1q_f32(acc + i + 4 * (size_t)j), p); /* acc + w * x */
            vst1q_f32(acc + i + 4 * (size_t)j, p);
        }
    }
    for (; i < n; i++) acc[i] = first ? w * (float)row[i] : acc[i] + w * (float)row[i];
}

/* One pixel's three channels in one vector (lanes r, g, b, next); the 4th lane is never stored,
 * which is why the accumulator row carries one float of readable padding. */
static void hpass3_neon(const float *acc, int cin, const int32_t *idx, const int32_t *cnt, const float *w,
                        int maxtaps, int n, float *out) {
    int k, t;
    for (k = 0; k < n; k++) {
        const float *p = acc + idx[k];
        const float *wk = w + (size_t)k * (size_t)maxtaps;
        float32x4_t s = vmulq_f32(vdupq_n_f32(wk[0]), vld1q_f32(p));
        for (t = 1; t < cnt[k]; t++)
            s = vaddq_f32(s, vmulq_f32(vdupq_n_f32(wk[t]), vld1q_f32(p + (size_t)t * (size_t)cin)));
        vst1_f32(out + 3 * k, vget_low_f32(s));
        vst1q_lane_f32(out + 3 * k + 2, s, 2);
    }
}

/* (yy + c1 * a [+ c2 * b]) >> 20 for 4 lanes */
static inline int32x4_t yuv_ch(int32x4_t yy, int32x4_t a, int32_t c1) {
    return vshrq_n_s32(vaddq_s32(yy, vmulq_n_s32(a, c1)), 20);
}

/* saturate four s32x4 to one u8x16 (s32 -> s16 saturating, s16 -> u8 unsigned saturating) */
static inline uint8x16_t sat16(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    int16x8_t lo = vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)), hi = vcombine_s16(vqmovn_s32(c), vqmovn_s32(d));
    return vcombine_u8(vqmovun_s16(lo), vqmovun_s16(hi));
}

/* 16 pixels per step. Loads never pass the bytes the scalar kernel would read for [x, x1):
 * luma Y[x .. x+15]; NV chroma the 8 pairs at row[x .. x+15]; I420 chroma U/V[x/2 .. x/2+7]. */
static void yuv_row_neon(const uint8_t *Y, const uint8_t *U, const uint8_t *V, int ustep, int x0, int x1,
                         uint8_t *out) {
    const int32x4_t half = vdupq_n_s32(1 << 19);
    const uint8x8_t c128 = vdup_n_u8(128);
    const uint8x16_t c16 = vdupq_n_u8(16);
    int x = x0, j;
    if (x & 1) { /* start on a chroma pair */
        vp__yuv_row_scalar_tail(Y, U, V, ustep, x, x + 1, out);
        x++;
    }
    for (; x + 16 <= x1; x += 16) {
        uint8x8_t u8, v8;
        uint8x8x2_t uu, vv;
        int16x8_t us[2], vs[2];
        int32x4_t yy[4], u[4], v[4], r[4], g[4], b[4];
        uint16x8_t ylo, yhi;
        uint8x16_t y8;
        uint8x16x3_t rgb;
        if (ustep == 2) { /* NV12 / NV21: one interleaved row, U and V one byte apart */
            const uint8_t *base = U < V ? U : V;
            uint8x8x2_t p = vld2_u8(base + x); /* val[0] = even bytes, val[1] = odd bytes */
            u8 = U < V ? p.val[0] : p.val[1];
            v8 = U < V ? p.val[1] : p.val[0];
        } else {
            u8 = vld1_u8(U + x / 2);
            v8 = vld1_u8(V + x / 2);
        }
        uu = vzip_u8(u8, u8); /* each chroma sample for two pixels */
        vv = vzip_u8(v8, v8);
        us[0] = vreinterpretq_s16_u16(vsubl_u8(uu.val[0], c128));
        us[1] = vreinterpretq_s16_u16(vsubl_u8(uu.val[1], c128));
        vs[0] = vreinterpretq_s16_u16(vsubl_u8(vv.val[0], c128));
        vs[1] = vreinterpretq_s16_u16(vsubl_u8(vv.val[1], c128));
        y8 = vqsubq_u8(vld1q_u8(Y + x), c16); /* max(y - 16, 0) */
        ylo = vmovl_u8(vget_low_u8(y8));
        yhi = vmovl_u8(vget_high_u8(y8));
        yy[0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(ylo)));
        yy[1] = vreinterpretq_s32_u32(vmovl_u16(vget_high_u16(ylo)));
        yy[2] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(yhi)));
        yy[3] = vreinterpretq_s32_u32(vmovl_u16(vget_high_u16(yhi)));
        for (j = 0; j < 4; j++) {
            u[j] = j & 1 ? vmovl_high_s16(us[j >> 1]) : vmovl_s16(vget_low_s16(us[j >> 1]));
            v[j] = j & 1 ? vmovl_high_s16(vs[j >> 1]) : vmovl_s16(vget_low_s16(vs[j >> 1]));
            yy[j] = vaddq_s32(vmulq_n_s32(yy[j], 1220542), half);
            r[j] = yuv_ch(yy[j], v[j], 1673527);
            g[j] = vshrq_n_s32(vaddq_s32(vaddq_s32(yy[j], vmulq_n_s32(v[j], -852492)), vmulq_n_s32(u[j], -409993)), 20);
            b[j] = yuv_ch(yy[j], u[j], 2116026);
        }
        rgb.val[0] = sat16(r[0], r[1], r[2], r[3]);
        rgb.val[1] = sat16(g[0], g[1], g[2], g[3]);
        rgb.val[2] = sat16(b[0], b[1], b[2], b[3]);
        vst3q_u8(out + (size_t)(x - x0) * 3u, rgb);
    }
    if (x < x1) vp__yuv_row_scalar_tail(Y, U, V, ustep, x, x1, out + (size_t)(x - x0) * 3u);
}

/* 4 pixels per step: vld3q deinterleaves r,g,b; (x - mean) * inv like the scalar (no fused ops). */
static void norm3_f32_neon(const float *h, size_t n, const float *mean, const float *inv, float *const *dst) {
    size_t k = 0;
    int j;
    for (; k + 4 <= n; k += 4) {
        float32x4x3_t v = vld3q_f32(h + 3 * k);
        for (j = 0; j < 3; j++)
            vst1q_f32(dst[j] + k, vmulq_f32(vsubq_f32(v.val[j], vdupq_n_f32(mean[j])), vdupq_n_f32(inv[j])));
    }
    for (; k < n; k++)
        for (j = 0; j < 3; j++) dst[j][k] = (h[3 * k + (size_t)j] - mean[j]) * inv[j];
}

int vp__kernels_neon(vp__kernels *k, int max_level) {
    if (max_level < VP_SIMD_NEON) return 0;
    k->vacc_u8 = vacc_u8_neon;
    k->hpass3 = hpass3_neon;
    k->yuv_row = yuv_row_neon;
    k->norm3_f32 = norm3_f32_neon;
    k->level = VP_SIMD_NEON;
    return VP_SIMD_NEON;
}

#else
int vp__kernels_neon(vp__kernels *k, int max_level) {
    (void)k;
    (void)max_level;
    return 0;
}
#endif
