/* Fuzz target: vp_image_bytes with any vp_image field values (and NULL arguments).
 * Invariants: on success the span covers every row of the first plane (stride*(h-1) + w*bpp) and,
 * for contiguous YUV, the chroma planes too; on failure *bytes is 0. When the span is small, the
 * image is then handed to vp_preprocess over a heap buffer of exactly that many bytes (pixels from
 * the input): a read past what vp_image_bytes promised is caught by ASan / valgrind. */
#include "valuepix.h"
#include "fuzz_common.h"

static int bpp_of(int fmt) {
    switch (fmt) {
    case VP_FORMAT_RGB8: case VP_FORMAT_BGR8: return 3;
    case VP_FORMAT_RGBA8: case VP_FORMAT_BGRA8: return 4;
    case VP_FORMAT_GRAY8: case VP_FORMAT_NV12: case VP_FORMAT_NV21: case VP_FORMAT_I420: return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    vp_image im;
    size_t bytes = 12345;
    vp_status st;
    uint8_t sel = fz_u8(&r), dummy = 0;
    int yuv, bpp;

    FUZZ_CHECK(vp_image_bytes(NULL, &bytes) == VP_ERR_INVALID_ARGUMENT);
    memset(&im, 0, sizeof im);
    im.data = &dummy;
    if (sel & 1) { /* raw field values */
        im.width = fz_i32(&r); im.height = fz_i32(&r); im.stride_bytes = fz_i32(&r); im.format = fz_i32(&r);
        im.stride1 = fz_i32(&r); im.stride2 = fz_i32(&r);
    } else { /* plausible geometry, so the success paths get explored */
        im.width = fz_range(&r, 1, 200); im.height = fz_range(&r, 1, 200);
        im.format = fz_range(&r, 0, 9);
        bpp = bpp_of(im.format);
        if (fz_u8(&r) & 1) { /* around the row size, possibly too small; int64 so huge widths do not overflow */
            int64_t s = (int64_t)im.width * (bpp ? bpp : 1) + (int64_t)(fz_u8(&r) % 12) - 2;
            im.stride_bytes = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
        }
        im.stride1 = (fz_u8(&r) & 3) == 0 ? fz_range(&r, 0, 220) : 0;
        im.stride2 = (fz_u8(&r) & 3) == 0 ? fz_range(&r, 0, 220) : 0;
    }
    if (sel & 2) im.plane1 = &dummy;
    if (sel & 4) im.plane2 = &dummy;
    FUZZ_CHECK(vp_image_bytes(&im, NULL) == VP_ERR_INVALID_ARGUMENT);
    st = vp_image_bytes(&im, &bytes);
    if (st != VP_OK) {
        FUZZ_CHECK(bytes == 0);
        FUZZ_CHECK(st == VP_ERR_INVALID_ARGUMENT || st == VP_ERR_UNSUPPORTED_FORMAT || st == VP_ERR_OVERFLOW);
        return 0;
    }
    bpp = bpp_of(im.format);
    yuv = im.format >= VP_FORMAT_NV12;
    FUZZ_CHECK(bpp > 0 && im.width > 0 && im.height > 0);
    {
        /* Found by this target and fixed (57bdbbb): vp_image_bytes did not validate stride1 / stride2
         * of contiguous YUV, so a negative or too-small chroma stride wrapped its uint64 sum to a
         * too-small span (24x1 I420, stride 28, stride1 -1 -> 39 bytes). Now such strides fail, so
         * the span invariants hold for every successful call. */
        int cw = (im.width + 1) / 2, need1 = im.format == VP_FORMAT_I420 ? cw : 2 * cw;
        uint64_t stride = im.stride_bytes ? (uint64_t)im.stride_bytes : (uint64_t)im.width * (uint64_t)bpp;
        FUZZ_CHECK(stride >= (uint64_t)im.width * (uint64_t)bpp);
        FUZZ_CHECK((uint64_t)bytes >= stride * (uint64_t)(im.height - 1) + (uint64_t)im.width * (uint64_t)bpp);
        if (yuv) /* chroma strides are accepted exactly as vp_preprocess accepts them */
            FUZZ_CHECK((im.stride1 == 0 || im.stride1 >= need1) && im.stride1 >= 0 && im.stride2 >= 0 &&
                       (im.format != VP_FORMAT_I420 || im.stride2 == 0 || im.stride2 >= cw));
        if (yuv && !im.plane1) /* luma plane + at least one chroma sample row */
            FUZZ_CHECK((uint64_t)bytes >= stride * (uint64_t)im.height + (uint64_t)cw);
    }
    /* Use the promised span as the whole buffer (contiguous layouts only: separate planes would need
     * their own sizes, which vp_image_bytes does not report). */
    if (!im.plane1 && !im.plane2 && bytes <= (1u << 20)) {
        vp_ctx *ctx = NULL;
        vp_spec sp;
        uint8_t *pix = (uint8_t *)malloc(bytes ? bytes : 1);
        size_t i, ob = 0, sb = 0;
        FUZZ_CHECK(pix != NULL);
        for (i = 0; i < bytes; i++) pix[i] = r.n ? data[size - r.n + (i % r.n)] : (uint8_t)(i * 31u);
        im.data = pix;
        FUZZ_CHECK(vp_ctx_create(VP_ABI_VERSION, &ctx) == VP_OK);
        vp_spec_init(&sp);
        sp.out_width = 1 + (int)(fz_u8(&r) % 16);
        sp.out_height = 1 + (int)(fz_u8(&r) % 16);
        sp.resize = (int)(fz_u8(&r) % 3);
        sp.shorter_side = 0;
        sp.orientation = 1 + (int)(fz_u8(&r) % 8);
        sp.dtype = VP_DTYPE_UINT8;
        if (vp_preprocess_query(ctx, &im, &sp, &ob, &sb) == VP_OK) {
            void *out = malloc(ob);
            FUZZ_CHECK(out != NULL);
            FUZZ_CHECK(vp_preprocess(ctx, &im, &sp, out, ob, NULL, 0) == VP_OK);
            free(out);
        }
        vp_ctx_destroy(ctx);
        free(pix);
    }
    return 0;
}
