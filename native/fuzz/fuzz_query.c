/* Fuzz target: vp_preprocess_query with any image geometry / format / strides / planes and any spec
 * (the query reads no pixels, so nothing limits the sizes here). Invariants: success <=> empty
 * error text; on success out_bytes == out_w * out_h * channels * sizeof(dtype) and scratch_bytes > 0;
 * a NULL context / image / spec fails cleanly; the NULL out-pointer form agrees with the full form.
 * When the result is small the call is then actually run on exact-size heap buffers. */
#include "valuepix.h"
#include "fuzz_common.h"
#include "fuzz_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    vp_ctx *ctx = NULL;
    vp_image im;
    vp_spec sp;
    size_t ob = 7, sb = 7, ib = 0;
    vp_status st;
    uint8_t sel = fz_u8(&r), dummy = 0;

    memset(&im, 0, sizeof im);
    FUZZ_CHECK(vp_ctx_create(VP_ABI_VERSION, &ctx) == VP_OK);
    if (sel & 1) vp_ctx_set(ctx, VP_OPT_MAX_PIXELS, (int64_t)fz_u64(&r));
    im.data = (sel & 2) ? NULL : &dummy;
    im.width = fz_range(&r, 1, 4096);
    im.height = fz_range(&r, 1, 4096);
    im.format = fz_range(&r, 1, 8);
    im.stride_bytes = (sel & 4) ? fz_range(&r, 0, 20000) : 0;
    if (sel & 8) { im.stride1 = fz_range(&r, 0, 10000); im.stride2 = fz_range(&r, 0, 10000); }
    if (sel & 16) im.plane1 = &dummy;
    if (sel & 32) im.plane2 = &dummy;
    fz_spec(&r, &sp, 4096);

    FUZZ_CHECK(vp_preprocess_query(NULL, &im, &sp, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    FUZZ_CHECK(vp_preprocess_query(ctx, NULL, &sp, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    FUZZ_CHECK(vp_preprocess_query(ctx, &im, NULL, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    FUZZ_CHECK(vp_preprocess_query(ctx, &im, &sp, NULL, NULL) == vp_preprocess_query(ctx, &im, &sp, &ob, NULL));
    st = vp_preprocess_query(ctx, &im, &sp, &ob, &sb);
    FUZZ_CHECK(strlen(vp_ctx_last_error(ctx)) < 256);
    FUZZ_CHECK((st == VP_OK) == (vp_ctx_last_error(ctx)[0] == 0));
    if (st != VP_OK) {
        FUZZ_CHECK(st == VP_ERR_INVALID_ARGUMENT || st == VP_ERR_UNSUPPORTED_FORMAT || st == VP_ERR_TOO_LARGE ||
                   st == VP_ERR_OVERFLOW || st == VP_ERR_ABI_MISMATCH);
        FUZZ_CHECK(vp_status_str(st)[0] != 0);
        vp_ctx_destroy(ctx);
        return 0;
    }
    FUZZ_CHECK(im.data != NULL);
    {
        size_t c = sp.channels == VP_CHANNELS_GRAY ? 1u : 3u, d = sp.dtype == VP_DTYPE_FLOAT32 ? 4u : 1u;
        FUZZ_CHECK(ob == (size_t)sp.out_width * (size_t)sp.out_height * c * d);
        FUZZ_CHECK(sb > 0);
    }
    /* small enough: run it for real over exact-size buffers (contiguous planes only) */
    if (!im.plane1 && !im.plane2 && vp_image_bytes(&im, &ib) == VP_OK && ib <= (256u << 10) && ob <= (256u << 10)) {
        uint8_t *pix = (uint8_t *)malloc(ib), *out = (uint8_t *)malloc(ob), *scr = (uint8_t *)malloc(sb);
        size_t i;
        FUZZ_CHECK(pix && out && scr);
        for (i = 0; i < ib; i++) pix[i] = (uint8_t)(i * 131u + 7u);
        im.data = pix;
        FUZZ_CHECK(vp_preprocess(ctx, &im, &sp, out, ob - 1, scr, sb) == (ob > 0 ? VP_ERR_BUFFER_TOO_SMALL : VP_OK));
        FUZZ_CHECK(vp_preprocess(ctx, &im, &sp, out, ob, scr, sb - 1) == VP_ERR_BUFFER_TOO_SMALL);
        FUZZ_CHECK(vp_preprocess(ctx, &im, &sp, out, ob, scr, sb) == VP_OK);
        FUZZ_CHECK(vp_preprocess(ctx, &im, &sp, NULL, ob, scr, sb) == VP_ERR_INVALID_ARGUMENT);
        free(pix); free(out); free(scr);
    }
    vp_ctx_destroy(ctx);
    return 0;
}
