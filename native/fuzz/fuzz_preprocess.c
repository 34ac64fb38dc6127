/* Fuzz target: the fused pass, vp_preprocess (and its vp_preprocess_query), driven by bytes ->
 * image geometry / format / strides / plane layout (contiguous or separate planes) + spec + pixels.
 * Every buffer is a heap block of exactly the size the API documents (vp_image_bytes for the image,
 * the query's out_bytes / scratch_bytes), so ASan sees any read or write past it.
 * Invariants (differential):
 *   - a scalar context and a best-SIMD context agree on the query (status and sizes);
 *   - a successful query means vp_preprocess succeeds with those sizes, and one byte less of
 *     output or caller scratch gives VP_ERR_BUFFER_TOO_SMALL;
 *   - scalar output (buffer pre-filled with 0x00) == SIMD output (pre-filled with 0xFF), byte for
 *     byte: the SIMD kernels are bit-exact AND every output byte is written;
 *   - a second call on the same context (grown scratch reused) gives the same output. */
#include "valuepix.h"
#include "fuzz_common.h"
#include "fuzz_spec.h"

static int bpp_of(int fmt) { return fmt == VP_FORMAT_RGB8 || fmt == VP_FORMAT_BGR8 ? 3 : fmt <= VP_FORMAT_BGRA8 ? 4 : 1; }

static uint8_t *pixels(size_t n, const uint8_t *src, size_t srcn, uint32_t seed) {
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    size_t i;
    FUZZ_CHECK(p != NULL);
    for (i = 0; i < n; i++) p[i] = srcn ? src[(i + seed) % srcn] : (uint8_t)(i * 37u + seed);
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    vp_ctx *cs = NULL, *cb = NULL;
    vp_image im;
    vp_spec sp;
    uint8_t *pix = NULL, *p1 = NULL, *p2 = NULL, *outs = NULL, *outb = NULL, *scr = NULL;
    size_t ob = 0, sb = 0, ob2 = 0, sb2 = 0, ib = 0;
    vp_status st, st2;
    uint8_t f = fz_u8(&r);
    int separate, caller_scratch, bpp, yuv;

    memset(&im, 0, sizeof im);
    im.format = 1 + fz_u8(&r) % 8;
    im.width = 1 + (int)(fz_u16(&r) % 256);
    im.height = 1 + (int)(fz_u16(&r) % 256);
    bpp = bpp_of(im.format);
    yuv = im.format >= VP_FORMAT_NV12;
    separate = yuv && (f & 1);
    caller_scratch = (f & 2) != 0;
    if (f & 4) im.stride_bytes = im.width * bpp + (int)(fz_u8(&r) % 9);
    if (yuv && (f & 8)) {
        int cw = (im.width + 1) / 2;
        im.stride1 = (im.format == VP_FORMAT_I420 ? cw : 2 * cw) + (int)(fz_u8(&r) % 5);
        if (im.format == VP_FORMAT_I420) im.stride2 = cw + (int)(fz_u8(&r) % 5);
    }
    fz_spec(&r, &sp, 96);

    FUZZ_CHECK(vp_ctx_create(VP_ABI_VERSION, &cs) == VP_OK && vp_ctx_create(VP_ABI_VERSION, &cb) == VP_OK);
    FUZZ_CHECK(vp_ctx_set(cs, VP_OPT_SIMD, VP_SIMD_SCALAR) == VP_OK);
    if (f & 16) { /* a pixel limit that sometimes bites */
        int64_t lim = 1 + (int64_t)(fz_u16(&r) % 70000);
        FUZZ_CHECK(vp_ctx_set(cs, VP_OPT_MAX_PIXELS, lim) == VP_OK && vp_ctx_set(cb, VP_OPT_MAX_PIXELS, lim) == VP_OK);
    }

    /* image buffers of exactly the documented size, pixels from the rest of the input */
    if (separate) {
        int ch = (im.height + 1) / 2, cw = (im.width + 1) / 2;
        size_t s1, n1;
        im.plane1 = im.plane2 = (const uint8_t *)&f; /* placeholders so vp_image_bytes counts only Y */
        if (im.format != VP_FORMAT_I420) im.plane2 = NULL;
        FUZZ_CHECK(vp_image_bytes(&im, &ib) == VP_OK);
        if (im.format == VP_FORMAT_I420) {
            size_t s2 = im.stride2 ? (size_t)im.stride2 : (size_t)(im.stride1 ? im.stride1 : cw);
            s1 = im.stride1 ? (size_t)im.stride1 : (size_t)cw;
            n1 = s1 * (size_t)(ch - 1) + (size_t)cw;
            p2 = pixels(s2 * (size_t)(ch - 1) + (size_t)cw, r.p, r.n, 11);
            if (!im.stride1) im.stride1 = cw; /* separate planes: say the stride explicitly */
            if (!im.stride2) im.stride2 = (int)s2;
        } else {
            s1 = im.stride1 ? (size_t)im.stride1 : (size_t)(2 * cw);
            n1 = s1 * (size_t)(ch - 1) + (size_t)(2 * cw);
            if (!im.stride1) im.stride1 = 2 * cw;
        }
        p1 = pixels(n1, r.p, r.n, 5);
        im.plane1 = p1;
        im.plane2 = p2;
    } else {
        FUZZ_CHECK(vp_image_bytes(&im, &ib) == VP_OK);
    }
    pix = pixels(ib, r.p, r.n, 0);
    im.data = pix;

    st = vp_preprocess_query(cs, &im, &sp, &ob, &sb);
    st2 = vp_preprocess_query(cb, &im, &sp, &ob2, &sb2);
    FUZZ_CHECK(st == st2);
    if (st != VP_OK || ob > (1u << 20)) goto done; /* keep one input well under a second instrumented */
    FUZZ_CHECK(ob == ob2 && sb == sb2);

    outs = (uint8_t *)malloc(ob);
    outb = (uint8_t *)malloc(ob);
    FUZZ_CHECK(outs && outb);
    memset(outs, 0x00, ob);
    memset(outb, 0xFF, ob);
    if (caller_scratch) {
        scr = (uint8_t *)malloc(sb);
        FUZZ_CHECK(scr != NULL);
        FUZZ_CHECK(vp_preprocess(cs, &im, &sp, outs, ob, scr, sb - 1) == VP_ERR_BUFFER_TOO_SMALL);
    }
    FUZZ_CHECK(vp_preprocess(cs, &im, &sp, outs, ob - 1, scr, sb) == VP_ERR_BUFFER_TOO_SMALL);
    FUZZ_CHECK(vp_preprocess(cs, &im, &sp, outs, ob, scr, sb) == VP_OK);
    FUZZ_CHECK(vp_preprocess(cb, &im, &sp, outb, ob, NULL, 0) == VP_OK); /* context scratch */
    FUZZ_CHECK(memcmp(outs, outb, ob) == 0);
    memset(outb, 0x5A, ob);
    FUZZ_CHECK(vp_preprocess(cb, &im, &sp, outb, ob, NULL, 0) == VP_OK); /* reused scratch */
    FUZZ_CHECK(memcmp(outs, outb, ob) == 0);

done:
    free(outs); free(outb); free(scr); free(pix); free(p1); free(p2);
    vp_ctx_destroy(cs);
    vp_ctx_destroy(cb);
    return 0;
}
