/* Kernel-level tests: every SIMD kernel table this build has (SSE2 / AVX2 on x86, NEON on AArch64)
 * against the scalar reference, bit for bit, on random data over all short lengths and offsets.
 * Inputs are malloc'd at exactly the span the scalar kernel reads, so ASan (make sanitize) catches
 * any SIMD over-read; the read-only inputs also end exactly at a PROT_NONE page, so an over-read
 * faults even without ASan (under qemu-aarch64 too). Called from tests/test_main.c. */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS */
#include "vp_internal.h"

#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int test_kernels_run(int *checks);

static uint32_t k_rng = 987654321u;
static uint32_t krnd(void) {
    k_rng ^= k_rng << 13;
    k_rng ^= k_rng >> 17;
    k_rng ^= k_rng << 5;
    return k_rng;
}
/* n bytes ending exactly at an inaccessible page (falls back to malloc if mmap fails) */
typedef struct { uint8_t *p; void *map; size_t maplen; } guarded;
static guarded galloc(size_t n) {
    guarded g;
    size_t ps = (size_t)sysconf(_SC_PAGESIZE), pages = (n + ps - 1) / ps;
    g.maplen = (pages + 1) * ps;
    g.map = mmap(NULL, g.maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.map == MAP_FAILED || mprotect((uint8_t *)g.map + pages * ps, ps, PROT_NONE) != 0) {
        if (g.map != MAP_FAILED) munmap(g.map, g.maplen);
        g.map = NULL;
        g.p = (uint8_t *)malloc(n ? n : 1);
        return g;
    }
    g.p = (uint8_t *)g.map + pages * ps - n;
    return g;
}
static void gfree(guarded g) {
    if (g.map) munmap(g.map, g.maplen);
    else free(g.p);
}

static float kfrand(void) { return (float)(krnd() % 2000001u) / 1000000.0f - 0.5f; }

static int check_vacc(const vp__kernels *ref, const vp__kernels *simd, const char *name) {
    int bad = 0;
    size_t n;
    for (n = 0; n <= 80; n++) {
        int first;
        for (first = 0; first <= 1; first++) {
            guarded grow = galloc(n);
            uint8_t *row = grow.p;
            float *a = (float *)malloc((n ? n : 1) * sizeof(float)), *b = (float *)malloc((n ? n : 1) * sizeof(float));
            float w = kfrand();
            size_t i;
            for (i = 0; i < n; i++) {
                row[i] = (uint8_t)krnd();
                a[i] = b[i] = kfrand() * 300.f;
            }
            ref->vacc_u8(a, row, w, n, first);
            simd->vacc_u8(b, row, w, n, first);
            if (n && memcmp(a, b, n * sizeof(float)) != 0) {
                fprintf(stderr, "%s vacc_u8 differs: n %u first %d\n", name, (unsigned)n, first);
                bad++;
            }
            gfree(grow);
            free(a);
            free(b);
        }
    }
    return bad;
}

static int check_hpass3(const vp__kernels *ref, const vp__kernels *simd, const char *name) {
    int bad = 0, it;
    for (it = 0; it < 300; it++) {
        int cin = 3 + (int)(krnd() % 2), npx = 1 + (int)(krnd() % 40), n = 1 + (int)(krnd() % 30);
        int maxtaps = 1 + (int)(krnd() % 6), k, t;
        size_t span = (size_t)npx * (size_t)cin;
        float *acc = (float *)malloc((span + 1) * sizeof(float)); /* + the documented padding float */
        int32_t *idx = (int32_t *)malloc((size_t)n * sizeof(int32_t)), *cnt = (int32_t *)malloc((size_t)n * sizeof(int32_t));
        float *w = (float *)malloc((size_t)n * (size_t)maxtaps * sizeof(float));
        float *a = (float *)malloc((size_t)n * 3 * sizeof(float)), *b = (float *)malloc((size_t)n * 3 * sizeof(float));
        size_t i;
        for (i = 0; i <= span; i++) acc[i] = kfrand() * 255.f;
        for (k = 0; k < n; k++) {
            int start = (int)(krnd() % (unsigned)npx), room = npx - start;
            cnt[k] = 1 + (int)(krnd() % (unsigned)(room < maxtaps ? room : maxtaps));
            idx[k] = start * cin;
            for (t = 0; t < maxtaps; t++) w[(size_t)k * (size_t)maxtaps + (size_t)t] = kfrand();
        }
        ref->hpass3(acc, cin, idx, cnt, w, maxtaps, n, a);
        simd->hpass3(acc, cin, idx, cnt, w, maxtaps, n, b);
        if (memcmp(a, b, (size_t)n * 3 * sizeof(float)) != 0) {
            fprintf(stderr, "%s hpass3 differs: cin %d n %d maxtaps %d\n", name, cin, n, maxtaps);
            bad++;
        }
        free(acc); free(idx); free(cnt); free(w); free(a); free(b);
    }
    return bad;
}

/* layout: 0 = NV12 (U, V interleaved), 1 = NV21 (V, U), 2 = I420 (separate planes) */
static int check_yuv(const vp__kernels *ref, const vp__kernels *simd, const char *name) {
    int bad = 0, x1, x0, layout;
    for (layout = 0; layout < 3; layout++)
        for (x1 = 1; x1 <= 70; x1++)
            for (x0 = 0; x0 < x1 && x0 < 5; x0++) {
                size_t nc = (size_t)(x1 + 1) / 2, i, nout = (size_t)(x1 - x0) * 3u;
                guarded gy = galloc((size_t)x1), g1 = galloc(layout == 2 ? nc : 2 * nc), g2 = galloc(nc);
                uint8_t *Y = gy.p, *c1 = g1.p, *c2 = g2.p;
                uint8_t *a = (uint8_t *)malloc(nout), *b = (uint8_t *)malloc(nout);
                const uint8_t *U, *V;
                int ustep = layout == 2 ? 1 : 2;
                for (i = 0; i < (size_t)x1; i++) Y[i] = (uint8_t)krnd();
                for (i = 0; i < (layout == 2 ? nc : 2 * nc); i++) c1[i] = (uint8_t)krnd();
                for (i = 0; i < nc; i++) c2[i] = (uint8_t)krnd();
                if (layout == 0) { U = c1; V = c1 + 1; }
                else if (layout == 1) { U = c1 + 1; V = c1; }
                else { U = c1; V = c2; }
                ref->yuv_row(Y, U, V, ustep, x0, x1, a);
                simd->yuv_row(Y, U, V, ustep, x0, x1, b);
                if (memcmp(a, b, nout) != 0) {
                    fprintf(stderr, "%s yuv_row differs: layout %d x0 %d x1 %d\n", name, layout, x0, x1);
                    bad++;
                }
                gfree(gy); gfree(g1); gfree(g2); free(a); free(b);
            }
    return bad;
}

static int check_norm3(const vp__kernels *ref, const vp__kernels *simd, const char *name) {
    int bad = 0;
    size_t n, i;
    for (n = 0; n <= 70; n++) {
        guarded gh = galloc((n ? 3 * n : 1) * sizeof(float)); /* ends at a PROT_NONE page */
        float *h = (float *)(void *)gh.p, *a = (float *)malloc((3 * n + 1) * sizeof(float));
        float *b = (float *)malloc((3 * n + 1) * sizeof(float));
        float mean[3], inv[3];
        float *da[3], *db[3];
        int j;
        for (i = 0; i < 3 * n; i++) h[i] = kfrand() * 255.f;
        for (j = 0; j < 3; j++) {
            mean[j] = kfrand() * 255.f;
            inv[j] = 1.0f / (0.5f + kfrand() * 100.f);
            da[j] = a + (size_t)j * n;
            db[j] = b + (size_t)j * n;
        }
        ref->norm3_f32(h, n, mean, inv, da);
        simd->norm3_f32(h, n, mean, inv, db);
        if (n && memcmp(a, b, 3 * n * sizeof(float)) != 0) {
            fprintf(stderr, "%s norm3_f32 differs: n %u\n", name, (unsigned)n);
            bad++;
        }
        gfree(gh);
        free(a);
        free(b);
    }
    return bad;
}

static int check_table(const vp__kernels *ref, const vp__kernels *simd, const char *name, int *checks) {
    int bad = check_vacc(ref, simd, name) + check_hpass3(ref, simd, name) + check_yuv(ref, simd, name) +
              check_norm3(ref, simd, name);
    *checks += 4;
    fprintf(stderr, "kernels %s vs scalar: %s\n", name, bad ? "MISMATCH" : "bit-identical");
    return bad ? 1 : 0;
}

/* Returns the number of failed checks; adds the number of checks made to *checks. */
int test_kernels_run(int *checks) {
    vp__kernels ref, simd;
    int fails = 0, lv;
    vp__kernels_scalar(&ref);
    for (lv = VP_SIMD_SSE2; lv <= VP_SIMD_NEON; lv++) {
        int got;
        vp__kernels_scalar(&simd);
        got = vp__kernels_x86(&simd, lv);
        if (got != lv) {
            vp__kernels_scalar(&simd);
            got = vp__kernels_neon(&simd, lv);
        }
        if (got != lv) continue; /* level not in this build / on this CPU */
        fails += check_table(&ref, &simd, lv == VP_SIMD_SSE2 ? "sse2" : lv == VP_SIMD_AVX2 ? "avx2" : "neon", checks);
    }
#if defined(__aarch64__)
    /* on AArch64 NEON is architectural: it must have been tested */
    vp__kernels_scalar(&simd);
    (*checks)++;
    if (vp__kernels_neon(&simd, VP_SIMD_NEON) != VP_SIMD_NEON) {
        fprintf(stderr, "aarch64 build without NEON kernels\n");
        fails++;
    }
#endif
    return fails;
}
