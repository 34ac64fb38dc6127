/* Context lifetime, settings, status strings and per-context error text. */
#include "vp_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VP_DEFAULT_MAX_PIXELS ((int64_t)178956970) /* 2 x Pillow's MAX_IMAGE_PIXELS */

int vp_abi_version(void) { return VP_ABI_VERSION; }

const char *vp_version_string(void) { return "0.1.0"; }

const char *vp_status_str(vp_status status) {
    switch (status) {
    case VP_OK: return "ok";
    case VP_ERR_INVALID_ARGUMENT: return "invalid argument";
    case VP_ERR_UNSUPPORTED_FORMAT: return "unsupported format";
    case VP_ERR_TOO_LARGE: return "image exceeds the pixel limit";
    case VP_ERR_OVERFLOW: return "size computation overflows";
    case VP_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case VP_ERR_ABI_MISMATCH: return "ABI version mismatch";
    case VP_ERR_OUT_OF_MEMORY: return "out of memory";
    case VP_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

vp_status vp__fail(vp_ctx *ctx, vp_status st, const char *fmt, ...) {
    if (ctx) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
        va_end(ap);
    }
    return st;
}

void vp__select_kernels(vp_ctx *ctx) {
    vp__kernels_scalar(&ctx->kern);
    if (ctx->simd_cap > VP_SIMD_SCALAR) {
        vp__kernels_x86(&ctx->kern, ctx->simd_cap);  /* stub returning 0 off x86 */
        vp__kernels_neon(&ctx->kern, ctx->simd_cap); /* stub returning 0 off AArch64 */
    }
}

vp_status vp_ctx_create(int abi_version, vp_ctx **out) {
    vp_ctx *ctx;
    if (!out) return VP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (abi_version != VP_ABI_VERSION) return VP_ERR_ABI_MISMATCH;
    ctx = (vp_ctx *)calloc(1, sizeof *ctx);
    if (!ctx) return VP_ERR_OUT_OF_MEMORY;
    ctx->max_pixels = VP_DEFAULT_MAX_PIXELS;
    ctx->simd_cap = 99; /* best available */
    vp__select_kernels(ctx);
    *out = ctx;
    return VP_OK;
}

void vp_ctx_destroy(vp_ctx *ctx) {
    if (!ctx) return;
    free(ctx->scratch);
    free(ctx);
}

vp_status vp_ctx_set(vp_ctx *ctx, vp_option option, int64_t value) {
    if (!ctx) return VP_ERR_INVALID_ARGUMENT;
    ctx->err[0] = 0;
    switch (option) {
    case VP_OPT_MAX_PIXELS:
        if (value < 1) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "max_pixels must be >= 1");
        ctx->max_pixels = value;
        return VP_OK;
    case VP_OPT_SIMD:
        if (value < 0) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "simd level must be >= 0");
        ctx->simd_cap = value > 99 ? 99 : (int)value;
        vp__select_kernels(ctx);
        return VP_OK;
    }
    return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown option %d", (int)option);
}

vp_status vp_ctx_get(const vp_ctx *ctx, vp_option option, int64_t *value) {
    if (!ctx || !value) return VP_ERR_INVALID_ARGUMENT;
    switch (option) {
    case VP_OPT_MAX_PIXELS: *value = ctx->max_pixels; return VP_OK;
    case VP_OPT_SIMD: *value = ctx->kern.level; return VP_OK;
    }
    return VP_ERR_INVALID_ARGUMENT;
}

const char *vp_ctx_last_error(const vp_ctx *ctx) { return ctx ? ctx->err : "no context"; }

void vp_spec_init(vp_spec *spec) {
    int c;
    if (!spec) return;
    memset(spec, 0, sizeof *spec);
    spec->struct_size = (uint32_t)sizeof *spec;
    spec->out_width = 224;
    spec->out_height = 224;
    spec->resize = VP_RESIZE_SHORTER_CROP;
    spec->shorter_side = 256;
    spec->interp = VP_INTERP_AUTO;
    spec->orientation = 1;
    spec->channels = VP_CHANNELS_RGB;
    spec->layout = VP_LAYOUT_NCHW;
    spec->dtype = VP_DTYPE_FLOAT32;
    for (c = 0; c < 3; c++) {
        spec->mean[c] = 127.0f;
        spec->std[c] = 128.0f;
        spec->pad_value[c] = 0.0f;
    }
}
