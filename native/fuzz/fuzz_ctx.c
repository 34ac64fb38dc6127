/* Fuzz target: context lifetime and settings — vp_ctx_create (any ABI version), vp_ctx_set /
 * vp_ctx_get (any option, any int64), vp_ctx_last_error, vp_status_str (any value), vp_spec_init,
 * vp_abi_version, vp_version_string, vp_ctx_destroy(NULL), NULL arguments.
 * Invariants: create succeeds only for VP_ABI_VERSION and then *out != NULL (NULL otherwise);
 * a successful set of VP_OPT_MAX_PIXELS is read back by get; VP_OPT_SIMD reads back a level no
 * higher than the cap; error strings are non-NULL, NUL-terminated and short. */
#include "valuepix.h"
#include "fuzz_common.h"

static void check_str(const char *s) {
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(strlen(s) < 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    vp_ctx *ctx = (vp_ctx *)(uintptr_t)1; /* must be overwritten */
    int abi = (fz_u8(&r) & 3) == 3 ? fz_i32(&r) : VP_ABI_VERSION;
    vp_status st = vp_ctx_create(abi, &ctx);
    int steps = 0;
    int64_t max_px_set = -1, simd_cap = 99;

    FUZZ_CHECK(vp_ctx_create(VP_ABI_VERSION, NULL) == VP_ERR_INVALID_ARGUMENT);
    FUZZ_CHECK(vp_abi_version() == VP_ABI_VERSION);
    check_str(vp_version_string());
    check_str(vp_ctx_last_error(NULL));
    vp_ctx_destroy(NULL);
    if (abi != VP_ABI_VERSION) {
        FUZZ_CHECK(st == VP_ERR_ABI_MISMATCH);
        FUZZ_CHECK(ctx == NULL);
        if (fz_u8(&r) & 1) return 0; /* otherwise go on with a real context */
        st = vp_ctx_create(VP_ABI_VERSION, &ctx);
    }
    FUZZ_CHECK(st == VP_OK && ctx != NULL);
    check_str(vp_ctx_last_error(ctx));
    FUZZ_CHECK(vp_ctx_last_error(ctx)[0] == 0);

    while (r.n && steps++ < 64) {
        uint8_t op = fz_u8(&r);
        switch (op % 6) {
        case 0: { /* set */
            int32_t opt = (op & 0x80) ? fz_i32(&r) : 1 + (int32_t)(fz_u8(&r) % 3);
            int64_t v = (op & 0x40) ? (int64_t)fz_u64(&r) : (int64_t)fz_u16(&r) - 8;
            vp_status s = vp_ctx_set(ctx, (vp_option)opt, v);
            FUZZ_CHECK(vp_ctx_set(NULL, (vp_option)opt, v) == VP_ERR_INVALID_ARGUMENT);
            check_str(vp_ctx_last_error(ctx));
            FUZZ_CHECK((s == VP_OK) == (vp_ctx_last_error(ctx)[0] == 0));
            if (opt == VP_OPT_MAX_PIXELS) {
                FUZZ_CHECK((s == VP_OK) == (v >= 1));
                if (s == VP_OK) max_px_set = v;
            } else if (opt == VP_OPT_SIMD) {
                FUZZ_CHECK((s == VP_OK) == (v >= 0));
                if (s == VP_OK) simd_cap = v > 99 ? 99 : v;
            } else {
                FUZZ_CHECK(s == VP_ERR_INVALID_ARGUMENT);
            }
            break;
        }
        case 1: { /* get */
            int32_t opt = (op & 0x80) ? fz_i32(&r) : 1 + (int32_t)(fz_u8(&r) % 3);
            int64_t v = -12345;
            vp_status s = vp_ctx_get(ctx, (vp_option)opt, &v);
            FUZZ_CHECK(vp_ctx_get(ctx, (vp_option)opt, NULL) == VP_ERR_INVALID_ARGUMENT);
            FUZZ_CHECK(vp_ctx_get(NULL, (vp_option)opt, &v) == VP_ERR_INVALID_ARGUMENT);
            if (opt == VP_OPT_MAX_PIXELS) {
                FUZZ_CHECK(s == VP_OK);
                FUZZ_CHECK(max_px_set < 0 ? v >= 1 : v == max_px_set);
            } else if (opt == VP_OPT_SIMD) {
                FUZZ_CHECK(s == VP_OK);
                FUZZ_CHECK(v >= VP_SIMD_SCALAR && v <= VP_SIMD_NEON && v <= simd_cap);
            } else {
                FUZZ_CHECK(s == VP_ERR_INVALID_ARGUMENT);
            }
            break;
        }
        case 2: /* status strings of any value */
            check_str(vp_status_str((vp_status)fz_i32(&r)));
            break;
        case 3: { /* spec_init: every field set, struct_size right */
            vp_spec sp;
            memset(&sp, 0xA5, sizeof sp);
            vp_spec_init(&sp);
            vp_spec_init(NULL);
            FUZZ_CHECK(sp.struct_size == sizeof sp);
            FUZZ_CHECK(sp.out_width > 0 && sp.out_height > 0 && sp.std[0] != 0.f);
            break;
        }
        case 4: { /* a failing call on this context sets its error text, a good one clears it */
            size_t ob = 0, sb = 0;
            vp_status s = vp_preprocess_query(ctx, NULL, NULL, &ob, &sb);
            FUZZ_CHECK(s == VP_ERR_INVALID_ARGUMENT);
            check_str(vp_ctx_last_error(ctx));
            FUZZ_CHECK(vp_ctx_last_error(ctx)[0] != 0);
            break;
        }
        default: { /* destroy and re-create (lifetime churn) */
            vp_ctx_destroy(ctx);
            ctx = NULL;
            FUZZ_CHECK(vp_ctx_create(VP_ABI_VERSION, &ctx) == VP_OK && ctx != NULL);
            max_px_set = -1;
            simd_cap = 99;
            break;
        }
        }
    }
    vp_ctx_destroy(ctx);
    return 0;
}
