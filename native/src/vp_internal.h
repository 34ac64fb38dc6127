/* Internal declarations of libvaluepix. Not installed; names are vp__ (internal) or static. */
#ifndef VP_INTERNAL_H
#define VP_INTERNAL_H

#include "valuepix.h"

#include <stddef.h>
#include <stdint.h>

/* Kernels chosen at context creation. Every SIMD kernel has the scalar one as its reference and must
 * give bit-identical results (same operations in the same order, no FMA contraction). */
typedef struct vp__kernels {
    /* acc[i] = (first ? 0 : acc[i]) + w * row[i], i < n   (first: acc[i] = w * row[i]) */
    void (*vacc_u8)(float *acc, const uint8_t *row, float w, size_t n, int first);
    /* Horizontal taps on an accumulated row with 3 or 4 interleaved channels (cin), producing the
     * first three channels of n outputs into out[3*k + c]. acc must have one float of readable
     * padding past its end. idx[k]: first channel index (start*cin) of output k; cnt[k]: taps;
     * w: weights, maxtaps per output. */
    void (*hpass3)(const float *acc, int cin, const int32_t *idx, const int32_t *cnt, const float *w,
                   int maxtaps, int n, float *out);
    /* One row of 4:2:0 YUV -> interleaved RGB for pixels [x0, x1): Y = luma row, U / V = chroma row
     * bases (chroma of pixel x at U[(x / 2) * ustep]), BT.601 limited range, OpenCV-exact integers. */
    void (*yuv_row)(const uint8_t *Y, const uint8_t *U, const uint8_t *V, int ustep, int x0, int x1, uint8_t *out);
    /* Normalise n interleaved 3-channel pixels into three planes: dst[j][k] = (h[3k+j] - mean[j]) * inv[j]
     * (the float32 NCHW write of a row whose outputs are contiguous and ascending). */
    void (*norm3_f32)(const float *h, size_t n, const float *mean, const float *inv, float *const *dst);
    int level; /* vp_simd */
} vp__kernels;

void vp__kernels_scalar(vp__kernels *k);
/* the scalar YUV row kernel, for SIMD kernels' unaligned heads and tails (out = pixel x0) */
void vp__yuv_row_scalar_tail(const uint8_t *Y, const uint8_t *U, const uint8_t *V, int ustep, int x0, int x1,
                             uint8_t *out);
int vp__kernels_x86(vp__kernels *k, int max_level); /* returns level set (0 if none) */
/* AArch64 NEON (always present there): set when max_level >= VP_SIMD_NEON; elsewhere returns 0 */
int vp__kernels_neon(vp__kernels *k, int max_level);

struct vp_ctx {
    int64_t max_pixels;
    int simd_cap;
    vp__kernels kern;
    void *scratch;
    size_t scratch_size;
    char err[256];
};

vp_status vp__fail(vp_ctx *ctx, vp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void vp__select_kernels(vp_ctx *ctx);

#endif
