/* SSE2 / AVX2 kernels, chosen at run time (vp__kernels_x86). Each mirrors its scalar reference in
 * vp_kernels_scalar.c operation for operation (mul then add, never fused), so results are
 * bit-identical; tests/test_kernels.c checks that on random data. Compiled per function with
 * target attributes so the library itself needs no -mavx2 and runs on any x86-64. */
#include "vp_internal.h"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#include <immintrin.h>
#include <string.h>

static void vacc_u8_sse2(float *acc, const uint8_t *row, float w, size_t n, int first) {
    const __m128 vw = _mm_set1_ps(w);
    const __m128i zero = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(row + i));
        __m128i lo = _mm_unpacklo_epi8(b, zero), hi = _mm_unpackhi_epi8(b, zero);
        __m128 f0 = _mm_cvtepi32_ps(_mm_unpacklo_epi16(lo, zero));
        __m128 f1 = _mm_cvtepi32_ps(_mm_unpackhi_epi16(lo, zero));
        __m128 f2 = _mm_cvtepi32_ps(_mm_unpacklo_epi16(hi, zero));
        __m128 f3 = _mm_cvtepi32_ps(_mm_unpackhi_epi16(hi, zero));
        f0 = _mm_mul_ps(vw, f0);
        f1 = _mm_mul_ps(vw, f1);
        f2 = _mm_mul_ps(vw, f2);
        f3 = _mm_mul_ps(vw, f3);
        if (!first) {
            f0 = _mm_add_ps(_mm_loadu_ps(acc + i), f0);
            f1 = _mm_add_ps(_mm_loadu_ps(acc + i + 4), f1);
            f2 = _mm_add_ps(_mm_loadu_ps(acc + i + 8), f2);
            f3 = _mm_add_ps(_mm_loadu_ps(acc + i + 12), f3);
        }
        _mm_storeu_ps(acc + i, f0);
        _mm_storeu_ps(acc + i + 4, f1);
        _mm_storeu_ps(acc + i + 8, f2);
        _mm_storeu_ps(acc + i + 12, f3);
    }
    for (; i < n; i++) acc[i] = first ? w * (float)row[i] : acc[i] + w * (float)row[i];
}

__attribute__((target("avx2"))) static void vacc_u8_avx2(float *acc, const uint8_t *row, float w,
                                                          size_t n, int first) {
    const __m256 vw = _mm256_set1_ps(w);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(row + i));
        __m256 f0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b));
        __m256 f1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(b, 8)));
        f0 = _mm256_mul_ps(vw, f0);
        f1 = _mm256_mul_ps(vw, f1);
        if (!first) {
            f0 = _mm256_add_ps(_mm256_loadu_ps(acc + i), f0);
            f1 = _mm256_add_ps(_mm256_loadu_ps(acc + i + 8), f1);
        }
        _mm256_storeu_ps(acc + i, f0);
        _mm256_storeu_ps(acc + i + 8, f1);
    }
    for (; i < n; i++) acc[i] = first ? w * (float)row[i] : acc[i] + w * (float)row[i];
}

/* All three channels of one pixel in one vector: lanes r,g,b,(next) — the 4th lane is ignored,
 * which is why the accumulator row carries one float of padding. */
static void hpass3_sse2(const float *acc, int cin, const int32_t *idx, const int32_t *cnt,
                        const float *w, int maxtaps, int n, float *out) {
    int k, t;
    float tmp[4];
    for (k = 0; k < n; k++) {
        const float *p = acc + idx[k];
        const float *wk = w + (size_t)k * (size_t)maxtaps;
        __m128 s = _mm_mul_ps(_mm_set1_ps(wk[0]), _mm_loadu_ps(p));
        for (t = 1; t < cnt[k]; t++)
            s = _mm_add_ps(s, _mm_mul_ps(_mm_set1_ps(wk[t]), _mm_loadu_ps(p + (size_t)t * (size_t)cin)));
        _mm_storeu_ps(tmp, s);
        memcpy(out + 3 * k, tmp, 3 * sizeof(float));
    }
}

/* 8 pixels per step with 32-bit lanes: the same integer formula as yuv_row_scalar, so the bytes
 * are identical (integer sums are exact; packs/packus saturate exactly like sat8). The vector loop
 * stops 16 pixels before x1 so its 8-byte chroma loads never pass the row's last needed byte. */
__attribute__((target("avx2"))) static void yuv_row_avx2(const uint8_t *Y, const uint8_t *U, const uint8_t *V,
                                                          int ustep, int x0, int x1, uint8_t *out) {
    const __m256i c16 = _mm256_set1_epi32(16), c128 = _mm256_set1_epi32(128), zero = _mm256_setzero_si256();
    const __m256i cy = _mm256_set1_epi32(1220542), cub = _mm256_set1_epi32(2116026);
    const __m256i cug = _mm256_set1_epi32(-409993), cvg = _mm256_set1_epi32(-852492);
    const __m256i cvr = _mm256_set1_epi32(1673527), half = _mm256_set1_epi32(1 << 19);
    const __m256i dup2 = _mm256_setr_epi32(0, 0, 2, 2, 4, 4, 6, 6), dup1 = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    int x = x0, i;
    uint8_t r8[16], g8[16], b8[16];
    if (x & 1) { /* start on a chroma pair */
        vp__yuv_row_scalar_tail(Y, U, V, ustep, x, x + 1, out);
        x++;
    }
    for (; x + 16 <= x1; x += 8) {
        __m256i y = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(Y + x)));
        __m256i u, v, r, g, b, rg, bb;
        __m128i p;
        if (ustep == 2) {
            u = _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(U + x))), dup2);
            v = _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(V + x))), dup2);
        } else {
            int32_t uu, vv;
            memcpy(&uu, U + x / 2, 4);
            memcpy(&vv, V + x / 2, 4);
            u = _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi32(_mm_cvtsi32_si128(uu)), dup1);
            v = _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi32(_mm_cvtsi32_si128(vv)), dup1);
        }
        u = _mm256_sub_epi32(u, c128);
        v = _mm256_sub_epi32(v, c128);
        y = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_max_epi32(_mm256_sub_epi32(y, c16), zero), cy), half);
        r = _mm256_srai_epi32(_mm256_add_epi32(y, _mm256_mullo_epi32(cvr, v)), 20);
        g = _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(y, _mm256_mullo_epi32(cvg, v)), _mm256_mullo_epi32(cug, u)), 20);
        b = _mm256_srai_epi32(_mm256_add_epi32(y, _mm256_mullo_epi32(cub, u)), 20);
        /* saturate to u8: packs (i32 -> i16, lanes interleave per 128-bit half) then packus (i16 -> u8) */
        rg = _mm256_permute4x64_epi64(_mm256_packs_epi32(r, g), 0xD8); /* r0..7 | g0..7 */
        bb = _mm256_permute4x64_epi64(_mm256_packs_epi32(b, b), 0xD8);
        p = _mm_packus_epi16(_mm256_castsi256_si128(rg), _mm256_extracti128_si256(rg, 1));
        _mm_storeu_si128((__m128i *)r8, p); /* r8[0..7] = R, r8[8..15] = G */
        p = _mm_packus_epi16(_mm256_castsi256_si128(bb), _mm256_castsi256_si128(bb));
        _mm_storeu_si128((__m128i *)b8, p);
        memcpy(g8, r8 + 8, 8);
        {
            uint8_t *o = out + (size_t)(x - x0) * 3u;
            for (i = 0; i < 8; i++) {
                o[3 * i] = r8[i];
                o[3 * i + 1] = g8[i];
                o[3 * i + 2] = b8[i];
            }
        }
    }
    if (x < x1) {
        vp__yuv_row_scalar_tail(Y, U, V, ustep, x, x1, out + (size_t)(x - x0) * 3u);
    }
}

/* 4 pixels per step: deinterleave r,g,b with shuffles, then (x - mean) * inv like the scalar. */
static void norm3_f32_sse2(const float *h, size_t n, const float *mean, const float *inv, float *const *dst) {
    const __m128 m0 = _mm_set1_ps(mean[0]), m1 = _mm_set1_ps(mean[1]), m2 = _mm_set1_ps(mean[2]);
    const __m128 a0 = _mm_set1_ps(inv[0]), a1 = _mm_set1_ps(inv[1]), a2 = _mm_set1_ps(inv[2]);
    size_t k = 0;
    int j;
    for (; k + 4 <= n; k += 4) {
        const float *p = h + 3 * k;
        __m128 v0 = _mm_loadu_ps(p), v1 = _mm_loadu_ps(p + 4), v2 = _mm_loadu_ps(p + 8);
        /* v0 = r0 g0 b0 r1 | v1 = g1 b1 r2 g2 | v2 = b2 r3 g3 b3 */
        __m128 r = _mm_shuffle_ps(_mm_shuffle_ps(v0, v0, _MM_SHUFFLE(3, 3, 3, 0)),
                                  _mm_shuffle_ps(v1, v2, _MM_SHUFFLE(1, 1, 2, 2)), _MM_SHUFFLE(2, 0, 1, 0));
        __m128 g = _mm_shuffle_ps(_mm_shuffle_ps(v0, v1, _MM_SHUFFLE(0, 0, 0, 1)),
                                  _mm_shuffle_ps(v1, v2, _MM_SHUFFLE(2, 2, 3, 3)), _MM_SHUFFLE(2, 0, 2, 0));
        __m128 b = _mm_shuffle_ps(_mm_shuffle_ps(v0, v1, _MM_SHUFFLE(1, 1, 2, 2)),
                                  _mm_shuffle_ps(v2, v2, _MM_SHUFFLE(3, 3, 0, 0)), _MM_SHUFFLE(2, 0, 2, 0));
        _mm_storeu_ps(dst[0] + k, _mm_mul_ps(_mm_sub_ps(r, m0), a0));
        _mm_storeu_ps(dst[1] + k, _mm_mul_ps(_mm_sub_ps(g, m1), a1));
        _mm_storeu_ps(dst[2] + k, _mm_mul_ps(_mm_sub_ps(b, m2), a2));
    }
    for (; k < n; k++)
        for (j = 0; j < 3; j++) dst[j][k] = (h[3 * k + (size_t)j] - mean[j]) * inv[j];
}

int vp__kernels_x86(vp__kernels *k, int max_level) {
    int level = VP_SIMD_SCALAR;
    __builtin_cpu_init();
    if (max_level >= VP_SIMD_SSE2 && __builtin_cpu_supports("sse2")) {
        k->vacc_u8 = vacc_u8_sse2;
        k->hpass3 = hpass3_sse2;
        k->norm3_f32 = norm3_f32_sse2;
        level = VP_SIMD_SSE2;
    }
    if (max_level >= VP_SIMD_AVX2 && __builtin_cpu_supports("avx2")) {
        k->vacc_u8 = vacc_u8_avx2;
        k->yuv_row = yuv_row_avx2;
        level = VP_SIMD_AVX2;
    }
    k->level = level;
    return level;
}

#else
int vp__kernels_x86(vp__kernels *k, int max_level) {
    (void)k;
    (void)max_level;
    return 0;
}
#endif
