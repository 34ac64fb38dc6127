/* Regression: 4:2:0 YUV with a luma stride of INT32_MAX, separate chroma planes and the default
 * (0) chroma strides. The default chroma stride, (stride + 1) / 2 for I420 and (stride + 1) & ~1 for
 * NV12/NV21, was computed in int: signed overflow (UB), and for I420 a negative chroma stride that
 * made vp_preprocess read ~2 GB before the U plane (SIGSEGV) although every buffer had the size the
 * header documents. Found while auditing what the fuzz targets cannot reach (buffers > 4 GB);
 * fixed in src/vp_preprocess.c (size_t strides).
 * The buffers are reserved with MAP_NORESERVE (only touched pages count); where the system refuses
 * such a mapping the check is skipped (exit 0, with a message). */
#define _GNU_SOURCE
#include "valuepix.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *reserve(size_t n) {
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int main(void) {
    const int fmts[3] = {VP_FORMAT_NV12, VP_FORMAT_NV21, VP_FORMAT_I420};
    const size_t ylen = (size_t)2 * INT32_MAX + 64, clen = (size_t)INT32_MAX + 64;
    uint8_t *y, *u, *v;
    int i, fails = 0;
    if (sizeof(size_t) < 8) { printf("regress_huge_stride: skipped (32-bit)\n"); return 0; }
    y = (uint8_t *)reserve(ylen);
    u = (uint8_t *)reserve(clen);
    v = (uint8_t *)reserve(clen);
    if (!y || !u || !v) { printf("regress_huge_stride: skipped (cannot reserve 8 GB of address space)\n"); return 0; }
    for (i = 0; i < 3; i++) {
        vp_ctx *ctx = NULL;
        vp_image im;
        vp_spec sp;
        size_t ob = 0, sb = 0, yb = 0;
        float out[4 * 4 * 3];
        vp_status st;
        memset(&im, 0, sizeof im);
        im.data = y; im.width = 8; im.height = 3; im.stride_bytes = INT32_MAX; im.format = fmts[i];
        im.plane1 = u; /* stride1 = 0: the documented default, (stride + 1) / 2 or (stride + 1) & ~1 */
        if (fmts[i] == VP_FORMAT_I420) im.plane2 = v;
        if (vp_ctx_create(VP_ABI_VERSION, &ctx) != VP_OK) return 2;
        vp_spec_init(&sp);
        sp.out_width = 4; sp.out_height = 4; sp.resize = VP_RESIZE_STRETCH;
        st = vp_image_bytes(&im, &yb);
        if (st != VP_OK || yb > ylen) { fprintf(stderr, "format %d: image_bytes %d %zu\n", fmts[i], st, yb); fails++; }
        st = vp_preprocess_query(ctx, &im, &sp, &ob, &sb);
        if (st == VP_OK) st = vp_preprocess(ctx, &im, &sp, out, sizeof out, NULL, 0);
        if (st != VP_OK) { fprintf(stderr, "format %d: %s\n", fmts[i], vp_ctx_last_error(ctx)); fails++; }
        vp_ctx_destroy(ctx);
    }
    munmap(y, ylen); munmap(u, clen); munmap(v, clen);
    if (fails) return 1;
    printf("regress_huge_stride: NV12, NV21, I420 with stride INT32_MAX and default chroma strides ok\n");
    return 0;
}
