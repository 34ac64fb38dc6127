/* C unit tests of libvaluepix: known answers, every error path, and SIMD == scalar bit for bit.
 * (Comparisons against OpenCV on real photos live in the Python tests.) */
#include "valuepix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_fail = 0, g_checks = 0;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        g_checks++;                                                                  \
        if (!(cond)) {                                                               \
            g_fail++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

static uint32_t g_rng = 12345u;
static uint32_t rnd(void) {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 17;
    g_rng ^= g_rng << 5;
    return g_rng;
}

static vp_ctx *new_ctx(void) {
    vp_ctx *ctx = NULL;
    if (vp_ctx_create(VP_ABI_VERSION, &ctx) != VP_OK || !ctx) {
        fprintf(stderr, "cannot create context\n");
        exit(2);
    }
    return ctx;
}

static vp_image img_of(const uint8_t *d, int w, int h, int fmt) {
    vp_image im;
    memset(&im, 0, sizeof im);
    im.data = d;
    im.width = w;
    im.height = h;
    im.format = fmt;
    return im;
}

/* run and return a malloc'd output (NULL on failure; status in *st) */
static void *run(vp_ctx *ctx, const vp_image *im, const vp_spec *sp, vp_status *st, size_t *nbytes) {
    size_t ob = 0, sb = 0;
    void *out;
    *st = vp_preprocess_query(ctx, im, sp, &ob, &sb);
    if (*st != VP_OK) return NULL;
    out = malloc(ob ? ob : 1);
    *st = vp_preprocess(ctx, im, sp, out, ob, NULL, 0);
    if (nbytes) *nbytes = ob;
    if (*st != VP_OK) {
        free(out);
        return NULL;
    }
    return out;
}

static void test_ctx(void) {
    vp_ctx *ctx = (vp_ctx *)1;
    int s;
    CHECK(vp_ctx_create(VP_ABI_VERSION + 1, &ctx) == VP_ERR_ABI_MISMATCH);
    CHECK(ctx == NULL);
    CHECK(vp_ctx_create(VP_ABI_VERSION, NULL) == VP_ERR_INVALID_ARGUMENT);
    vp_ctx_destroy(NULL);
    ctx = new_ctx();
    CHECK(strcmp(vp_ctx_last_error(ctx), "") == 0);
    CHECK(vp_ctx_set(ctx, VP_OPT_MAX_PIXELS, 0) == VP_ERR_INVALID_ARGUMENT);
    CHECK(strlen(vp_ctx_last_error(ctx)) > 0);
    CHECK(vp_ctx_set(ctx, (vp_option)77, 1) == VP_ERR_INVALID_ARGUMENT);
    for (s = 0; s <= 8; s++) CHECK(strlen(vp_status_str((vp_status)s)) > 0);
    CHECK(strcmp(vp_status_str((vp_status)999), "unknown status") == 0);
    CHECK(vp_abi_version() == VP_ABI_VERSION);
    {
        int64_t v = 0;
        CHECK(vp_ctx_set(ctx, VP_OPT_MAX_PIXELS, 1234) == VP_OK);
        CHECK(vp_ctx_get(ctx, VP_OPT_MAX_PIXELS, &v) == VP_OK && v == 1234);
        CHECK(vp_ctx_set(ctx, VP_OPT_SIMD, 0) == VP_OK);
        CHECK(vp_ctx_get(ctx, VP_OPT_SIMD, &v) == VP_OK && v == VP_SIMD_SCALAR);
    }
    vp_ctx_destroy(ctx);
}

/* Display pixel (x, y) of an oriented image = stored pixel at (*sx, *sy). EXIF 2.32 table,
 * written independently of the library's axis/flip formulation. */
static void exif_map(int o, int W, int H, int x, int y, int *sx, int *sy) {
    switch (o) {
    case 1: *sx = x; *sy = y; break;
    case 2: *sx = W - 1 - x; *sy = y; break;
    case 3: *sx = W - 1 - x; *sy = H - 1 - y; break;
    case 4: *sx = x; *sy = H - 1 - y; break;
    case 5: *sx = y; *sy = x; break;
    case 6: *sx = y; *sy = H - 1 - x; break;
    case 7: *sx = W - 1 - y; *sy = H - 1 - x; break;
    default: *sx = W - 1 - y; *sy = x; break;
    }
}

static void test_identity_and_orientation(void) {
    vp_ctx *ctx = new_ctx();
    int W = 7, H = 5, o, i;
    uint8_t src[7 * 5 * 3];
    for (i = 0; i < W * H * 3; i++) src[i] = (uint8_t)rnd();
    for (o = 1; o <= 8; o++) {
        vp_image im = img_of(src, W, H, VP_FORMAT_RGB8);
        vp_spec sp;
        vp_status st;
        float *out;
        int dw = o >= 5 ? H : W, dh = o >= 5 ? W : H, x, y, c, bad = 0;
        vp_spec_init(&sp);
        sp.resize = VP_RESIZE_STRETCH;
        sp.out_width = dw;
        sp.out_height = dh;
        sp.orientation = o;
        sp.layout = VP_LAYOUT_NHWC;
        for (c = 0; c < 3; c++) { sp.mean[c] = 0.f; sp.std[c] = 1.f; }
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK);
        if (!out) continue;
        for (y = 0; y < dh; y++)
            for (x = 0; x < dw; x++) {
                int sx, sy;
                exif_map(o, W, H, x, y, &sx, &sy);
                for (c = 0; c < 3; c++)
                    if (out[(y * dw + x) * 3 + c] != (float)src[(sy * W + sx) * 3 + c]) bad++;
            }
        CHECK(bad == 0);
        if (bad) fprintf(stderr, "orientation %d: %d wrong values\n", o, bad);
        free(out);
    }
    vp_ctx_destroy(ctx);
}

static void test_known_resizes(void) {
    vp_ctx *ctx = new_ctx();
    vp_spec sp;
    vp_status st;
    float *out;
    vp_spec_init(&sp);
    sp.resize = VP_RESIZE_STRETCH;
    sp.channels = VP_CHANNELS_GRAY;
    sp.mean[0] = 0.f;
    sp.std[0] = 1.f;
    {   /* bilinear 2 -> 4 (OpenCV INTER_LINEAR): [0, 100] -> [0, 25, 75, 100] */
        uint8_t g[2] = {0, 100};
        vp_image im = img_of(g, 2, 1, VP_FORMAT_GRAY8);
        sp.out_width = 4;
        sp.out_height = 1;
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && out);
        if (out) {
            CHECK(fabsf(out[0] - 0.f) < 1e-4f && fabsf(out[1] - 25.f) < 1e-4f);
            CHECK(fabsf(out[2] - 75.f) < 1e-4f && fabsf(out[3] - 100.f) < 1e-4f);
        }
        free(out);
    }
    {   /* area 4x4 -> 2x2 is the mean of each 2x2 block */
        uint8_t g[16] = {0, 4, 8, 12, 16, 20, 24, 28, 100, 100, 0, 0, 200, 200, 0, 40};
        vp_image im = img_of(g, 4, 4, VP_FORMAT_GRAY8);
        sp.out_width = 2;
        sp.out_height = 2;
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && out);
        if (out) {
            CHECK(fabsf(out[0] - 10.f) < 1e-4f && fabsf(out[1] - 18.f) < 1e-4f);
            CHECK(fabsf(out[2] - 150.f) < 1e-4f && fabsf(out[3] - 10.f) < 1e-4f);
        }
        free(out);
    }
    {   /* area 3 -> 2 (fractional cells): [30, 60, 90] -> [(30 + 60/2)/1.5, (60/2 + 90)/1.5] = [40, 80] */
        uint8_t g[3] = {30, 60, 90};
        vp_image im = img_of(g, 3, 1, VP_FORMAT_GRAY8);
        sp.out_width = 2;
        sp.out_height = 1;
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && out);
        if (out) CHECK(fabsf(out[0] - 40.f) < 1e-3f && fabsf(out[1] - 80.f) < 1e-3f);
        free(out);
    }
    {   /* shorter_crop geometry: 8x4 gray ramp, shorter 2 -> resized 4x2, crop 2x2 at x offset 1 */
        uint8_t g[32];
        int i;
        vp_image im = img_of(g, 8, 4, VP_FORMAT_GRAY8);
        for (i = 0; i < 32; i++) g[i] = (uint8_t)((i % 8) * 10);
        sp.resize = VP_RESIZE_SHORTER_CROP;
        sp.shorter_side = 2;
        sp.out_width = 2;
        sp.out_height = 2;
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && out);
        /* resized columns are means of pairs: 5, 25, 45, 65; crop offset (4-2)/2 = 1 -> 25, 45 */
        if (out) CHECK(fabsf(out[0] - 25.f) < 1e-4f && fabsf(out[1] - 45.f) < 1e-4f && fabsf(out[2] - 25.f) < 1e-4f);
        free(out);
        sp.shorter_side = 1; /* resized 2x1 cannot cover a 2x2 output */
        out = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_ERR_INVALID_ARGUMENT && !out);
    }
    vp_ctx_destroy(ctx);
}

static void test_letterbox_and_dtypes(void) {
    vp_ctx *ctx = new_ctx();
    uint8_t px[4 * 2 * 3];
    vp_image im = img_of(px, 4, 2, VP_FORMAT_RGB8);
    vp_spec sp;
    vp_status st;
    int i, x, y, c;
    for (i = 0; i < 24; i++) px[i] = (uint8_t)(10 + i);
    vp_spec_init(&sp);
    sp.resize = VP_RESIZE_LETTERBOX;
    sp.out_width = 4;
    sp.out_height = 4;
    sp.dtype = VP_DTYPE_UINT8; /* raw pixels */
    sp.layout = VP_LAYOUT_NHWC;
    sp.pad_value[0] = 114.f; sp.pad_value[1] = 115.f; sp.pad_value[2] = 116.f;
    {
        uint8_t *o = (uint8_t *)run(ctx, &im, &sp, &st, NULL);
        int bad = 0;
        CHECK(st == VP_OK && o);
        if (o) {
            for (y = 0; y < 4; y++)
                for (x = 0; x < 4; x++)
                    for (c = 0; c < 3; c++) {
                        int want = (y == 0 || y == 3) ? 114 + c : px[((y - 1) * 4 + x) * 3 + c];
                        if (o[(y * 4 + x) * 3 + c] != want) bad++;
                    }
            CHECK(bad == 0);
        }
        free(o);
    }
    /* int8 raw = pixel - 128; BGR order; quantised uint8 = round((x-127)/128/s) + zp */
    sp.resize = VP_RESIZE_STRETCH;
    sp.out_height = 2;
    sp.dtype = VP_DTYPE_INT8;
    sp.channels = VP_CHANNELS_BGR;
    {
        int8_t *o = (int8_t *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && o);
        if (o) CHECK(o[0] == (int8_t)(px[2] - 128) && o[2] == (int8_t)(px[0] - 128));
        free(o);
    }
    sp.dtype = VP_DTYPE_UINT8;
    sp.channels = VP_CHANNELS_RGB;
    sp.quant_scale = 1.0f / 64.0f;
    sp.quant_zero_point = 128;
    {
        uint8_t *o = (uint8_t *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && o);
        if (o) {
            int bad = 0;
            for (i = 0; i < 24; i++) {
                float v = ((float)px[i] - 127.f) / 128.f * 64.f + 128.f;
                if (o[i] != (uint8_t)floorf(v + 0.5f)) bad++;
            }
            CHECK(bad == 0);
        }
        free(o);
    }
    /* GRAY out from RGB */
    sp.dtype = VP_DTYPE_FLOAT32;
    sp.channels = VP_CHANNELS_GRAY;
    sp.mean[0] = 0.f;
    sp.std[0] = 1.f;
    {
        float *o = (float *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && o);
        if (o) CHECK(fabsf(o[0] - (0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2])) < 1e-3f);
        free(o);
    }
    vp_ctx_destroy(ctx);
}

static void test_yuv(void) {
    vp_ctx *ctx = new_ctx();
    enum { W = 6, H = 4 };
    uint8_t nv21[W * H + W * H / 2], nv12[W * H + W * H / 2], i420[W * H + W * H / 2];
    vp_spec sp;
    vp_status st;
    int i;
    for (i = 0; i < W * H; i++) nv21[i] = nv12[i] = i420[i] = (uint8_t)(16 + rnd() % 220);
    for (i = 0; i < W * H / 4; i++) {
        uint8_t u = (uint8_t)rnd(), v = (uint8_t)rnd();
        nv21[W * H + 2 * i] = v; nv21[W * H + 2 * i + 1] = u;
        nv12[W * H + 2 * i] = u; nv12[W * H + 2 * i + 1] = v;
        i420[W * H + i] = u; i420[W * H + W * H / 4 + i] = v;
    }
    vp_spec_init(&sp);
    sp.resize = VP_RESIZE_STRETCH;
    sp.out_width = W;
    sp.out_height = H;
    {
        vp_image a = img_of(nv21, W, H, VP_FORMAT_NV21), b = img_of(nv12, W, H, VP_FORMAT_NV12),
                 c = img_of(i420, W, H, VP_FORMAT_I420);
        size_t n = 0;
        float *oa = (float *)run(ctx, &a, &sp, &st, &n);
        float *ob = (float *)run(ctx, &b, &sp, &st, NULL);
        float *oc = (float *)run(ctx, &c, &sp, &st, NULL);
        CHECK(oa && ob && oc);
        if (oa && ob && oc) CHECK(memcmp(oa, ob, n) == 0 && memcmp(oa, oc, n) == 0);
        free(oa); free(ob); free(oc);
    }
    {   /* known answers: Y=235,U=V=128 is white; Y=16 black; Y<16 clamps to black */
        uint8_t f[4 + 2] = {235, 16, 235, 5, 128, 128};
        vp_image im = img_of(f, 2, 2, VP_FORMAT_NV21);
        uint8_t *o;
        sp.out_width = 2; sp.out_height = 2;
        sp.dtype = VP_DTYPE_UINT8;
        sp.layout = VP_LAYOUT_NHWC;
        o = (uint8_t *)run(ctx, &im, &sp, &st, NULL);
        CHECK(st == VP_OK && o);
        if (o) CHECK(o[0] == 255 && o[1] == 255 && o[2] == 255 && o[3] == 0 && o[9] == 0);
        free(o);
    }
    vp_ctx_destroy(ctx);
}

static void test_errors(void) {
    vp_ctx *ctx = new_ctx();
    uint8_t px[64 * 3];
    vp_image im = img_of(px, 8, 8, VP_FORMAT_RGB8);
    vp_spec sp;
    size_t ob = 0, sb = 0;
    float out[224 * 224 * 3];
    memset(px, 7, sizeof px);
    vp_spec_init(&sp);
    sp.shorter_side = 0;
    sp.out_width = 4;
    sp.out_height = 4;
    CHECK(vp_preprocess_query(NULL, &im, &sp, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    CHECK(vp_preprocess_query(ctx, NULL, &sp, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    CHECK(vp_preprocess_query(ctx, &im, NULL, &ob, &sb) == VP_ERR_INVALID_ARGUMENT);
    CHECK(vp_preprocess_query(ctx, &im, &sp, &ob, &sb) == VP_OK && ob == 4 * 4 * 3 * 4);
    CHECK(vp_preprocess(ctx, &im, &sp, out, ob - 1, NULL, 0) == VP_ERR_BUFFER_TOO_SMALL);
    CHECK(strstr(vp_ctx_last_error(ctx), "output buffer") != NULL);
    CHECK(vp_preprocess(ctx, &im, &sp, NULL, ob, NULL, 0) == VP_ERR_INVALID_ARGUMENT);
    {
        unsigned char scratch[256];
        CHECK(vp_preprocess(ctx, &im, &sp, out, ob, scratch, sizeof scratch < sb ? sizeof scratch : sb - 1) ==
              VP_ERR_BUFFER_TOO_SMALL);
    }
    {   /* caller scratch gives the same as context scratch */
        void *scratch = malloc(sb);
        float a[48], b[48];
        CHECK(vp_preprocess(ctx, &im, &sp, a, sizeof a, scratch, sb) == VP_OK);
        CHECK(vp_preprocess(ctx, &im, &sp, b, sizeof b, NULL, 0) == VP_OK);
        CHECK(memcmp(a, b, sizeof a) == 0);
        free(scratch);
    }
#define EXPECT(field, value, status)                                          \
    do {                                                                      \
        vp_image i2 = im;                                                     \
        vp_spec s2 = sp;                                                      \
        (void)i2; (void)s2;                                                   \
        field = value;                                                        \
        CHECK(vp_preprocess(ctx, &i2, &s2, out, sizeof out, NULL, 0) == status); \
    } while (0)
    EXPECT(i2.data, NULL, VP_ERR_INVALID_ARGUMENT);
    EXPECT(i2.width, 0, VP_ERR_INVALID_ARGUMENT);
    EXPECT(i2.height, -3, VP_ERR_INVALID_ARGUMENT);
    EXPECT(i2.format, 99, VP_ERR_UNSUPPORTED_FORMAT);
    EXPECT(i2.stride_bytes, 8 * 3 - 1, VP_ERR_INVALID_ARGUMENT);
    EXPECT(i2.stride_bytes, -24, VP_ERR_INVALID_ARGUMENT);
    EXPECT(i2.width, 2000000000, VP_ERR_TOO_LARGE);
    EXPECT(s2.struct_size, 8, VP_ERR_ABI_MISMATCH);
    EXPECT(s2.orientation, 9, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.orientation, -1, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.resize, 7, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.layout, 5, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.dtype, 5, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.channels, 5, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.interp, 5, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.out_width, 0, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.out_height, 1 << 30, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.std[1], 0.f, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.mean[0], NAN, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.shorter_side, -1, VP_ERR_INVALID_ARGUMENT);
    EXPECT(s2.roi_width, 9, VP_ERR_INVALID_ARGUMENT);   /* width without height */
    EXPECT(s2.roi_x, -1, VP_ERR_INVALID_ARGUMENT);
    {
        vp_image i2 = im;
        vp_spec s2 = sp;
        s2.roi_width = 9; s2.roi_height = 8; /* wider than the image */
        CHECK(vp_preprocess(ctx, &i2, &s2, out, sizeof out, NULL, 0) == VP_ERR_INVALID_ARGUMENT);
        s2.roi_x = -1; s2.roi_width = 4;
        CHECK(vp_preprocess(ctx, &i2, &s2, out, sizeof out, NULL, 0) == VP_ERR_INVALID_ARGUMENT);
        s2.roi_x = 2; s2.roi_y = 1; s2.roi_width = 6; s2.roi_height = 7; /* exactly fits */
        CHECK(vp_preprocess(ctx, &i2, &s2, out, sizeof out, NULL, 0) == VP_OK);
    }
    {
        vp_image i2 = im;
        vp_spec s2 = sp;
        s2.roi_x = 5; s2.roi_y = 0; s2.roi_width = 4; s2.roi_height = 8; /* 5 + 4 > 8 */
        CHECK(vp_preprocess(ctx, &i2, &s2, out, sizeof out, NULL, 0) == VP_ERR_INVALID_ARGUMENT);
    }
    /* pixel limit */
    CHECK(vp_ctx_set(ctx, VP_OPT_MAX_PIXELS, 63) == VP_OK);
    CHECK(vp_preprocess(ctx, &im, &sp, out, sizeof out, NULL, 0) == VP_ERR_TOO_LARGE);
    CHECK(vp_ctx_set(ctx, VP_OPT_MAX_PIXELS, 64) == VP_OK);
    CHECK(vp_preprocess(ctx, &im, &sp, out, sizeof out, NULL, 0) == VP_OK);
    CHECK(strcmp(vp_ctx_last_error(ctx), "") == 0);
    /* image byte spans */
    {
        size_t n = 0;
        vp_image y = img_of(px, 5, 3, VP_FORMAT_NV21);
        CHECK(vp_image_bytes(&im, &n) == VP_OK && n == 8 * 8 * 3);
        im.stride_bytes = 30;
        CHECK(vp_image_bytes(&im, &n) == VP_OK && n == 30 * 7 + 24);
        CHECK(vp_image_bytes(&y, &n) == VP_OK && n == 5 * 3 + 6 * 2); /* Y 15 + 2 chroma rows (stride 6) of 3 pairs */
        y.format = VP_FORMAT_I420;
        CHECK(vp_image_bytes(&y, &n) == VP_OK && n == 15 + 3 * 2 + 3 * 2);
        CHECK(vp_image_bytes(NULL, &n) == VP_ERR_INVALID_ARGUMENT);
        y.stride1 = -1; /* negative / too-small chroma strides are refused, not wrapped to a small span */
        CHECK(vp_image_bytes(&y, &n) == VP_ERR_INVALID_ARGUMENT);
        y.stride1 = 2; /* I420 chroma row needs ceil(5/2) = 3 */
        CHECK(vp_image_bytes(&y, &n) == VP_ERR_INVALID_ARGUMENT);
        y.stride1 = 0; y.stride2 = -5;
        CHECK(vp_image_bytes(&y, &n) == VP_ERR_INVALID_ARGUMENT);
        y.stride2 = 0; y.plane2 = px; /* I420 with only the V plane given: refused by both calls */
        CHECK(vp_image_bytes(&y, &n) == VP_ERR_INVALID_ARGUMENT);
        {
            vp_spec s2 = sp;
            CHECK(vp_preprocess(ctx, &y, &s2, out, sizeof out, NULL, 0) == VP_ERR_INVALID_ARGUMENT);
        }
        y.plane2 = NULL;
        y.format = VP_FORMAT_NV12; y.stride2 = 0; y.stride1 = 5; /* NV needs 2 * 3 = 6 */
        CHECK(vp_image_bytes(&y, &n) == VP_ERR_INVALID_ARGUMENT);
        y.stride1 = 6;
        CHECK(vp_image_bytes(&y, &n) == VP_OK && n == 15 + 6 + 6);
    }
    vp_ctx_destroy(ctx);
}

/* Random images, formats, orientations, geometries: every SIMD level gives the scalar bytes. */
static void test_simd_matches_scalar(void) {
    vp_ctx *ref = new_ctx(), *fast = new_ctx();
    int64_t level = 0;
    int it, mismatches = 0, runs = 0;
    const int fmts[] = {VP_FORMAT_RGB8, VP_FORMAT_BGR8, VP_FORMAT_RGBA8, VP_FORMAT_BGRA8,
                        VP_FORMAT_GRAY8, VP_FORMAT_NV12, VP_FORMAT_NV21, VP_FORMAT_I420};
    vp_ctx_set(ref, VP_OPT_SIMD, VP_SIMD_SCALAR);
    vp_ctx_get(fast, VP_OPT_SIMD, &level);
    fprintf(stderr, "simd level under test: %d\n", (int)level);
    for (it = 0; it < 400; it++) {
        int w = 1 + (int)(rnd() % 300), h = 1 + (int)(rnd() % 200), fmt = fmts[rnd() % 8];
        int bpp = fmt == VP_FORMAT_RGB8 || fmt == VP_FORMAT_BGR8 ? 3 : fmt == VP_FORMAT_RGBA8 || fmt == VP_FORMAT_BGRA8 ? 4 : 1;
        size_t bytes = 0, i, ob, sb;
        uint8_t *d;
        vp_image im = img_of(NULL, w, h, fmt);
        vp_spec sp;
        void *a, *b;
        vp_status s1, s2;
        im.stride_bytes = w * bpp + (int)(rnd() % 5);
        CHECK(vp_image_bytes(&im, &bytes) == VP_OK);
        d = (uint8_t *)malloc(bytes); /* exactly the span: ASan catches any read past it */
        im.data = d;
        for (i = 0; i < bytes; i++) d[i] = (uint8_t)rnd();
        vp_spec_init(&sp);
        sp.out_width = 1 + (int)(rnd() % 64);
        sp.out_height = 1 + (int)(rnd() % 64);
        sp.resize = (int)(rnd() % 3);
        sp.shorter_side = 0;
        sp.interp = (int)(rnd() % 3);
        sp.orientation = 1 + (int)(rnd() % 8);
        sp.layout = (int)(rnd() % 2);
        sp.channels = (int)(rnd() % 3);
        sp.dtype = (int)(rnd() % 3);
        if (rnd() % 2) {
            int dw = sp.orientation >= 5 ? h : w, dh = sp.orientation >= 5 ? w : h;
            sp.roi_x = (int)(rnd() % (unsigned)dw);
            sp.roi_y = (int)(rnd() % (unsigned)dh);
            sp.roi_width = 1 + (int)(rnd() % (unsigned)(dw - sp.roi_x));
            sp.roi_height = 1 + (int)(rnd() % (unsigned)(dh - sp.roi_y));
        }
#if defined(__aarch64__)
        vp_ctx_set(fast, VP_OPT_SIMD, it % 2 ? VP_SIMD_NEON : 99); /* NEON, by name and as "best" */
        {
            int64_t lv = -1;
            CHECK(vp_ctx_get(fast, VP_OPT_SIMD, &lv) == VP_OK && lv == VP_SIMD_NEON);
        }
#else
        vp_ctx_set(fast, VP_OPT_SIMD, 1 + it % 2); /* alternate SSE2 and the best level (AVX2) */
#endif
        if (vp_preprocess_query(ref, &im, &sp, &ob, &sb) != VP_OK) {
            fprintf(stderr, "query failed: %s\n", vp_ctx_last_error(ref));
            mismatches++;
            free(d);
            continue;
        }
        a = malloc(ob);
        b = malloc(ob);
        s1 = vp_preprocess(ref, &im, &sp, a, ob, NULL, 0);
        s2 = vp_preprocess(fast, &im, &sp, b, ob, NULL, 0);
        runs++;
        if (s1 != VP_OK || s2 != VP_OK || memcmp(a, b, ob) != 0) {
            mismatches++;
            fprintf(stderr, "mismatch: fmt %d %dx%d -> %dx%d o%d resize %d interp %d dtype %d\n", fmt, w, h,
                    sp.out_width, sp.out_height, sp.orientation, sp.resize, sp.interp, sp.dtype);
        }
        free(a);
        free(b);
        free(d);
    }
    CHECK(mismatches == 0);
    CHECK(runs == 400);
    vp_ctx_destroy(ref);
    vp_ctx_destroy(fast);
}

static void test_large_shrink(void) {
    /* 5000x3 gray ramp -> 3x3 (shrink > 1600x along x) must work and average correctly */
    vp_ctx *ctx = new_ctx();
    int w = 4998, i;
    uint8_t *d = (uint8_t *)malloc((size_t)w * 3);
    vp_image im = img_of(d, w, 3, VP_FORMAT_GRAY8);
    vp_spec sp;
    vp_status st;
    float *o;
    for (i = 0; i < w * 3; i++) d[i] = (uint8_t)((i % w) < w / 3 ? 30 : (i % w) < 2 * w / 3 ? 60 : 90);
    vp_spec_init(&sp);
    sp.resize = VP_RESIZE_STRETCH;
    sp.out_width = 3;
    sp.out_height = 3;
    sp.channels = VP_CHANNELS_GRAY;
    sp.mean[0] = 0.f;
    sp.std[0] = 1.f;
    o = (float *)run(ctx, &im, &sp, &st, NULL);
    CHECK(st == VP_OK && o);
    if (o) CHECK(fabsf(o[0] - 30.f) < 1e-2f && fabsf(o[1] - 60.f) < 1e-2f && fabsf(o[2] - 90.f) < 1e-2f);
    free(o);
    free(d);
    vp_ctx_destroy(ctx);
}

int test_kernels_run(int *checks); /* tests/test_kernels.c */

int main(void) {
    g_fail += test_kernels_run(&g_checks);
    test_ctx();
    test_identity_and_orientation();
    test_known_resizes();
    test_letterbox_and_dtypes();
    test_yuv();
    test_errors();
    test_simd_matches_scalar();
    test_large_shrink();
    printf("%d passed, %d failed\n", g_checks - g_fail, g_fail);
    return g_fail ? 1 : 0;
}
