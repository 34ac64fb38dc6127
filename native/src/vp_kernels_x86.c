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

int vp__kernels_x86(vp__kernels *k, int max_level) {
    int level = VP_SIMD_SCALAR;
    __builtin_cpu_init();
    if (max_level >= VP_SIMD_SSE2 && __builtin_cpu_supports("sse2")) {
        k->vacc_u8 = vacc_u8_sse2;
        k->hpass3 = hpass3_sse2;
        level = VP_SIMD_SSE2;
    }
    if (max_level >= VP_SIMD_AVX2 && __builtin_cpu_supports("avx2")) {
        k->vacc_u8 = vacc_u8_avx2;
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
