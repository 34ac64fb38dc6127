/* The fused preprocess: one pass over the needed source rows, straight into the caller's tensor.
 *
 * Why hand-written: no library does orientation + ROI + crop/letterbox + area/bilinear resize +
 * YUV conversion + normalisation + layout in one pass over only the source pixels that reach the
 * output, which is what makes a camera frame cost a fraction of the OpenCV pipeline.
 *
 * How: resizing is separable. Along each *display* axis we build a tap table (OpenCV INTER_AREA /
 * INTER_LINEAR semantics) and re-express it along the *source* axis it maps to under the EXIF
 * orientation (transposed and/or flipped), sorted by ascending source position. Then
 *   for each output row along source-y:  acc = sum_t w_t * source_row(start + t)   (vacc kernel)
 *                                        px  = horizontal taps over acc            (hpass kernel)
 *                                        write px, normalised, at its display position.
 * Only source rows and columns inside the crop window are ever read. YUV rows are converted once
 * each into a small ring (YUV->RGB clamps, so it must happen before filtering to match OpenCV).
 */
#include "vp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VP_MAX_DIM 1000000 /* per-axis sanity bound (also keeps int32 index math safe) */

typedef struct axis_tab {
    int n;         /* entries (valid outputs along this axis) */
    int maxtaps;
    int32_t *start; /* absolute source coordinate of the first tap, ascending in k */
    int32_t *cnt;
    int32_t *dst;  /* display output index of entry k */
    float *w;      /* n * maxtaps */
    int32_t lo, hi; /* source span [lo, hi) touched */
} axis_tab;

typedef struct plan {
    int sw, sh;           /* source dims */
    int bpp;              /* bytes per pixel of the packed source (1 for YUV Y plane) */
    int cin;              /* channels in the accumulator */
    int yuv;              /* YUV source: rows are converted to RGB first */
    int ch_r, ch_g, ch_b; /* channel offsets of R,G,B in the accumulator pixel */
    int transposed;
    int out_w, out_h, out_c;
    axis_tab tx, ty;      /* tables along SOURCE x and SOURCE y */
    size_t out_bytes, scratch_bytes;
} plan;

typedef struct disp_axis {
    int L;      /* ROI length along this display axis */
    int roi0;   /* ROI start */
    int N;      /* output length */
    int R;      /* resized length */
    int off;    /* resized index of output 0 (crop) */
    int p0, n;  /* valid output range [p0, p0 + n) */
    int interp;
    int flip;   /* display -> source axis is flipped */
    int srclen; /* full source length along the mapped source axis */
} disp_axis;

static int fmt_info(int fmt, int *bpp, int *yuv) {
    *yuv = 0;
    switch (fmt) {
    case VP_FORMAT_RGB8: case VP_FORMAT_BGR8: *bpp = 3; return 1;
    case VP_FORMAT_RGBA8: case VP_FORMAT_BGRA8: *bpp = 4; return 1;
    case VP_FORMAT_GRAY8: *bpp = 1; return 1;
    case VP_FORMAT_NV12: case VP_FORMAT_NV21: case VP_FORMAT_I420: *bpp = 1; *yuv = 1; return 1;
    }
    return 0;
}

/* Whether an axis of source length L resized to R uses area taps (else bilinear). */
static int axis_use_area(int L, int R, int interp) {
    if (interp == VP_INTERP_BILINEAR) return 0;
    return L > R; /* AUTO and AREA: area only when shrinking (OpenCV falls back when enlarging) */
}

static int axis_maxtaps(int L, int R, int interp) {
    if (!axis_use_area(L, R, interp)) return 2;
    return (int)ceil((double)L / (double)R) + 2;
}

/* Taps of resized index r (0 <= r < R) in ROI-relative source coordinates. Returns the count. */
static int axis_taps(int L, int R, int interp, int r, int32_t *first, float *w) {
    double scale = (double)L / (double)R;
    if (!axis_use_area(L, R, interp)) {
        /* OpenCV INTER_LINEAR: centres aligned, border replicated */
        float fx = (float)(((double)r + 0.5) * scale - 0.5);
        int sx = (int)floorf(fx);
        fx -= (float)sx;
        if (sx < 0) { fx = 0.f; sx = 0; }
        if (sx >= L - 1) { fx = 0.f; sx = L - 1; }
        *first = sx;
        if (fx == 0.f) { w[0] = 1.f; return 1; }
        w[0] = 1.f - fx;
        w[1] = fx;
        return 2;
    } else {
        /* OpenCV computeResizeAreaTab */
        double fsx1 = r * scale, fsx2 = fsx1 + scale;
        double cell = scale < (L - fsx1) ? scale : (L - fsx1);
        int sx1 = (int)ceil(fsx1), sx2 = (int)floor(fsx2), k = 0, sx;
        if (sx2 > L - 1) sx2 = L - 1;
        if (sx1 > sx2) sx1 = sx2;
        if (sx1 - fsx1 > 1e-3) { *first = sx1 - 1; w[k++] = (float)((sx1 - fsx1) / cell); }
        else *first = sx1;
        for (sx = sx1; sx < sx2; sx++) w[k++] = (float)(1.0 / cell);
        if (fsx2 - sx2 > 1e-3) {
            double d = fsx2 - sx2;
            if (d > 1.0) d = 1.0;
            if (d > cell) d = cell;
            w[k++] = (float)(d / cell);
        }
        if (k == 0) { w[0] = 1.f; k = 1; } /* degenerate (cannot happen for L > R), stay safe */
        return k;
    }
}

/* Resized lengths and offsets of both display axes. */
static vp_status geometry(vp_ctx *ctx, const vp_spec *s, disp_axis *ax, disp_axis *ay) {
    int64_t rw = ax->L, rh = ay->L, nw = ax->N, nh = ay->N;
    int64_t Rx, Ry;
    switch (s->resize) {
    case VP_RESIZE_STRETCH:
        Rx = nw; Ry = nh;
        break;
    case VP_RESIZE_SHORTER_CROP:
        if (s->shorter_side < 0) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "shorter_side must be >= 0");
        if (s->shorter_side > 0) {
            int64_t sh = s->shorter_side;
            if (sh > VP_MAX_DIM) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "shorter_side too large");
            if (rw <= rh) { Rx = sh; Ry = rh * sh / rw; }
            else { Ry = sh; Rx = rw * sh / rh; }
            if (Rx < nw || Ry < nh)
                return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT,
                                "shorter_side %d gives %lldx%lld, smaller than the %lldx%lld output",
                                s->shorter_side, (long long)Rx, (long long)Ry, (long long)nw, (long long)nh);
        } else if (nw * rh >= nh * rw) { /* width binds */
            Rx = nw; Ry = rh * nw / rw; if (Ry < nh) Ry = nh;
        } else {
            Ry = nh; Rx = rw * nh / rh; if (Rx < nw) Rx = nw;
        }
        break;
    case VP_RESIZE_LETTERBOX:
        if (nw * rh <= nh * rw) { /* width binds */
            Rx = nw; Ry = (rh * nw * 2 + rw) / (2 * rw);
        } else {
            Ry = nh; Rx = (rw * nh * 2 + rh) / (2 * rh);
        }
        if (Rx < 1) Rx = 1;
        if (Ry < 1) Ry = 1;
        if (Rx > nw) Rx = nw;
        if (Ry > nh) Ry = nh;
        break;
    default:
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown resize mode %d", s->resize);
    }
    if (Rx > VP_MAX_DIM || Ry > VP_MAX_DIM) return vp__fail(ctx, VP_ERR_OVERFLOW, "resized size too large");
    ax->R = (int)Rx; ay->R = (int)Ry;
    if (s->resize == VP_RESIZE_LETTERBOX) {
        ax->off = 0; ax->p0 = (ax->N - ax->R) / 2; ax->n = ax->R;
        ay->off = 0; ay->p0 = (ay->N - ay->R) / 2; ay->n = ay->R;
    } else {
        ax->off = (ax->R - ax->N) / 2; ax->p0 = 0; ax->n = ax->N;
        ay->off = (ay->R - ay->N) / 2; ay->p0 = 0; ay->n = ay->N;
    }
    return VP_OK;
}

static size_t align_up(size_t v) { return (v + 63u) & ~(size_t)63u; }

/* overflow-checked a * b (+ c) into *out */
static int mul_ok(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > (size_t)-1 / a) return 0;
    *out = a * b;
    return 1;
}

static size_t tab_bytes(int n, int maxtaps) {
    return align_up((size_t)n * 3u * sizeof(int32_t)) + align_up((size_t)n * (size_t)maxtaps * sizeof(float));
}

/* Validate everything and compute sizes; fills the plan except the table contents. */
static vp_status make_plan(vp_ctx *ctx, const vp_image *src, const vp_spec *s, plan *p,
                           disp_axis *ax, disp_axis *ay) {
    int yuv, bpp, o, dw, dh, rx, ry, rw, rh;
    size_t n, acc_floats, ring_bytes, tmp;
    memset(p, 0, sizeof *p);
    if (!src || !s) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "NULL image or spec");
    if (s->struct_size < sizeof(vp_spec))
        return vp__fail(ctx, VP_ERR_ABI_MISMATCH, "vp_spec.struct_size %u < %u (use vp_spec_init)",
                        (unsigned)s->struct_size, (unsigned)sizeof(vp_spec));
    if (!src->data) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "image data is NULL");
    if (!fmt_info(src->format, &bpp, &yuv))
        return vp__fail(ctx, VP_ERR_UNSUPPORTED_FORMAT, "unknown pixel format %d", src->format);
    if (src->width < 1 || src->height < 1)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "image size %dx%d", src->width, src->height);
    if (src->width > VP_MAX_DIM || src->height > VP_MAX_DIM ||
        (int64_t)src->width * (int64_t)src->height > ctx->max_pixels)
        return vp__fail(ctx, VP_ERR_TOO_LARGE, "%dx%d exceeds the limit of %lld pixels", src->width,
                        src->height, (long long)ctx->max_pixels);
    {
        int64_t row = (int64_t)src->width * bpp;
        if (src->stride_bytes != 0 && src->stride_bytes < row)
            return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "stride %d < row size %lld (negative strides are not accepted)",
                            src->stride_bytes, (long long)row);
        if (yuv) {
            int64_t cw = (src->width + 1) / 2;
            int64_t need1 = src->format == VP_FORMAT_I420 ? cw : 2 * cw;
            if (src->stride1 != 0 && src->stride1 < need1)
                return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "chroma stride %d < %lld", src->stride1, (long long)need1);
            if (src->format == VP_FORMAT_I420 && src->stride2 != 0 && src->stride2 < cw)
                return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "chroma stride %d < %lld", src->stride2, (long long)cw);
            if (src->format == VP_FORMAT_I420 && !src->plane1 && src->plane2) /* same rule as vp_image_bytes */
                return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "I420: give both chroma planes or neither");
        }
    }
    if (s->out_width < 1 || s->out_height < 1 || s->out_width > 65536 || s->out_height > 65536)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "output size %dx%d", s->out_width, s->out_height);
    if (s->channels < VP_CHANNELS_RGB || s->channels > VP_CHANNELS_GRAY)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown channels %d", s->channels);
    if (s->layout != VP_LAYOUT_NCHW && s->layout != VP_LAYOUT_NHWC)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown layout %d", s->layout);
    if (s->dtype < VP_DTYPE_FLOAT32 || s->dtype > VP_DTYPE_INT8)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown dtype %d", s->dtype);
    if (s->interp < VP_INTERP_AUTO || s->interp > VP_INTERP_AREA)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "unknown interpolation %d", s->interp);
    o = s->orientation == 0 ? 1 : s->orientation;
    if (o < 1 || o > 8) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "EXIF orientation %d not in 1..8", s->orientation);
    {
        int c, nc = s->channels == VP_CHANNELS_GRAY ? 1 : 3;
        for (c = 0; c < nc; c++) {
            if (!isfinite(s->mean[c]) || !isfinite(s->std[c]) || s->std[c] == 0.f)
                return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "mean/std must be finite and std non-zero");
        }
        for (c = 0; c < 3; c++)
            if (!isfinite(s->pad_value[c])) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "pad_value not finite");
        if (s->dtype != VP_DTYPE_FLOAT32 && (!isfinite(s->quant_scale) || s->quant_scale < 0.f))
            return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "quant_scale must be finite and >= 0");
    }

    p->sw = src->width; p->sh = src->height; p->bpp = bpp; p->yuv = yuv;
    p->transposed = o >= 5;
    dw = p->transposed ? src->height : src->width;
    dh = p->transposed ? src->width : src->height;
    rx = s->roi_x; ry = s->roi_y; rw = s->roi_width; rh = s->roi_height;
    if (rw == 0 && rh == 0 && rx == 0 && ry == 0) { rw = dw; rh = dh; } /* all-zero ROI: everything */
    if (rx < 0 || ry < 0 || rw < 1 || rh < 1 || rx > dw - rw || ry > dh - rh)
        return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "ROI %d,%d %dx%d outside the %dx%d oriented image", rx, ry, rw, rh, dw, dh);

    ax->L = rw; ax->roi0 = rx; ax->N = s->out_width; ax->interp = s->interp;
    ay->L = rh; ay->roi0 = ry; ay->N = s->out_height; ay->interp = s->interp;
    /* display axis -> source axis flips (EXIF 2.32; tests/test_main.c exif_map states the table) */
    switch (o) {
    case 1: ax->flip = 0; ay->flip = 0; break;
    case 2: ax->flip = 1; ay->flip = 0; break;
    case 3: ax->flip = 1; ay->flip = 1; break;
    case 4: ax->flip = 0; ay->flip = 1; break;
    case 5: ax->flip = 0; ay->flip = 0; break;
    case 6: ax->flip = 1; ay->flip = 0; break;
    case 7: ax->flip = 1; ay->flip = 1; break;
    default: ax->flip = 0; ay->flip = 1; break; /* 8 */
    }
    ax->srclen = p->transposed ? src->height : src->width;
    ay->srclen = p->transposed ? src->width : src->height;
    {
        vp_status st = geometry(ctx, s, ax, ay);
        if (st != VP_OK) return st;
    }

    p->out_w = s->out_width; p->out_h = s->out_height;
    p->out_c = s->channels == VP_CHANNELS_GRAY ? 1 : 3;
    if (!mul_ok((size_t)p->out_w * (size_t)p->out_h, (size_t)p->out_c, &n) ||
        !mul_ok(n, s->dtype == VP_DTYPE_FLOAT32 ? 4u : 1u, &p->out_bytes))
        return vp__fail(ctx, VP_ERR_OVERFLOW, "output size overflows");

    {
        const disp_axis *dx = p->transposed ? ay : ax; /* display axis feeding source x */
        const disp_axis *dy = p->transposed ? ax : ay;
        p->tx.n = dx->n; p->tx.maxtaps = axis_maxtaps(dx->L, dx->R, dx->interp);
        p->ty.n = dy->n; p->ty.maxtaps = axis_maxtaps(dy->L, dy->R, dy->interp);
    }
    /* accumulator: one source row span (at most the full width) x cin, + 1 float padding */
    p->cin = yuv ? 3 : bpp;
    if (!mul_ok((size_t)src->width, (size_t)p->cin, &acc_floats)) return vp__fail(ctx, VP_ERR_OVERFLOW, "overflow");
    acc_floats += 1;
    ring_bytes = 0;
    if (yuv) {
        if (!mul_ok((size_t)src->width * 3u, (size_t)p->ty.maxtaps, &ring_bytes))
            return vp__fail(ctx, VP_ERR_OVERFLOW, "overflow");
        ring_bytes = align_up(ring_bytes) + align_up((size_t)p->ty.maxtaps * sizeof(int32_t));
    }
    tmp = tab_bytes(p->tx.n, p->tx.maxtaps) + tab_bytes(p->ty.n, p->ty.maxtaps) +
          align_up((size_t)(p->tx.maxtaps > p->ty.maxtaps ? p->tx.maxtaps : p->ty.maxtaps) * sizeof(float)) +
          align_up(acc_floats * sizeof(float)) + align_up((size_t)p->tx.n * 3u * sizeof(float)) + ring_bytes;
    p->scratch_bytes = tmp;
    return VP_OK;
}

/* Fill a source-axis table from its display axis. */
static void fill_tab(axis_tab *t, const disp_axis *d, float *wtmp) {
    int k;
    t->lo = 0x7fffffff; t->hi = 0;
    for (k = 0; k < t->n; k++) {
        int j = d->flip ? d->p0 + t->n - 1 - k : d->p0 + k; /* display output index */
        int r = j - d->p0 + d->off;                          /* resized index (off = 0 for letterbox) */
        int32_t first;
        int c = axis_taps(d->L, d->R, d->interp, r, &first, wtmp), i;
        float *w = t->w + (size_t)k * (size_t)t->maxtaps;
        int32_t s0;
        /* drop zero-weight taps at the ends */
        int a = 0, b = c;
        while (b - a > 1 && wtmp[a] == 0.f) a++;
        while (b - a > 1 && wtmp[b - 1] == 0.f) b--;
        first += a;
        c = b - a;
        if (!d->flip) {
            s0 = d->roi0 + first;
            for (i = 0; i < c; i++) w[i] = wtmp[a + i];
        } else {
            s0 = d->srclen - 1 - (d->roi0 + first + c - 1);
            for (i = 0; i < c; i++) w[i] = wtmp[a + c - 1 - i];
        }
        t->start[k] = s0;
        t->cnt[k] = c;
        t->dst[k] = j;
        if (s0 < t->lo) t->lo = s0;
        if (s0 + c > t->hi) t->hi = s0 + c;
    }
}

static uint8_t *carve(uint8_t **cur, size_t bytes) {
    uint8_t *p = *cur;
    *cur += align_up(bytes);
    return p;
}

vp_status vp_preprocess_query(vp_ctx *ctx, const vp_image *src, const vp_spec *spec, size_t *out_bytes,
                              size_t *scratch_bytes) {
    plan p;
    disp_axis ax, ay;
    vp_status st;
    if (!ctx) return VP_ERR_INVALID_ARGUMENT;
    ctx->err[0] = 0;
    st = make_plan(ctx, src, spec, &p, &ax, &ay);
    if (st != VP_OK) return st;
    if (out_bytes) *out_bytes = p.out_bytes;
    if (scratch_bytes) *scratch_bytes = p.scratch_bytes + 64; /* + alignment slack */
    return VP_OK;
}

static void yuv_row_to_rgb(const vp__kernels *kern, const vp_image *src, int row, int x0, int x1, uint8_t *out) {
    /* strides in size_t: the default chroma stride (stride + 1) overflows int for stride INT32_MAX */
    size_t stride = src->stride_bytes ? (size_t)src->stride_bytes : (size_t)src->width;
    size_t ch = (size_t)(src->height + 1) / 2;
    const uint8_t *Y = src->data + (size_t)row * stride;
    if (src->format == VP_FORMAT_I420) {
        size_t s1 = src->stride1 ? (size_t)src->stride1 : (stride + 1) / 2;
        size_t s2 = src->stride2 ? (size_t)src->stride2 : s1;
        const uint8_t *U = src->plane1 ? src->plane1 : src->data + stride * (size_t)src->height;
        const uint8_t *V = src->plane2 ? src->plane2 : U + s1 * ch;
        kern->yuv_row(Y, U + (size_t)(row / 2) * s1, V + (size_t)(row / 2) * s2, 1, x0, x1, out);
    } else {
        size_t s1 = src->stride1 ? (size_t)src->stride1 : (stride + 1) & ~(size_t)1;
        const uint8_t *UV = src->plane1 ? src->plane1 : src->data + stride * (size_t)src->height;
        const uint8_t *r = UV + (size_t)(row / 2) * s1;
        int nv12 = src->format == VP_FORMAT_NV12;
        kern->yuv_row(Y, nv12 ? r : r + 1, nv12 ? r + 1 : r, 2, x0, x1, out);
    }
}

vp_status vp_image_bytes(const vp_image *img, size_t *bytes) {
    int bpp, yuv;
    uint64_t stride, total;
    if (!img || !bytes) return VP_ERR_INVALID_ARGUMENT;
    *bytes = 0;
    if (!fmt_info(img->format, &bpp, &yuv)) return VP_ERR_UNSUPPORTED_FORMAT;
    if (img->width < 1 || img->height < 1 || img->width > VP_MAX_DIM || img->height > VP_MAX_DIM)
        return VP_ERR_INVALID_ARGUMENT;
    if (img->stride_bytes < 0 || (img->stride_bytes && img->stride_bytes < img->width * bpp))
        return VP_ERR_INVALID_ARGUMENT;
    stride = img->stride_bytes ? (uint64_t)img->stride_bytes : (uint64_t)img->width * (uint64_t)bpp;
    /* the last row needs only width*bpp bytes, not a whole stride */
    total = stride * (uint64_t)(img->height - 1) + (uint64_t)img->width * (uint64_t)bpp;
    if (yuv) { /* chroma strides: the same rule vp_preprocess enforces (0 = default, else >= a row) */
        int32_t cw = (img->width + 1) / 2, need1 = img->format == VP_FORMAT_I420 ? cw : 2 * cw;
        if (img->stride1 < 0 || (img->stride1 && img->stride1 < need1) || img->stride2 < 0 ||
            (img->format == VP_FORMAT_I420 && img->stride2 && img->stride2 < cw))
            return VP_ERR_INVALID_ARGUMENT;
    }
    if (yuv && !img->plane1) {
        uint64_t ch = (uint64_t)(img->height + 1) / 2, cw = (uint64_t)(img->width + 1) / 2;
        total = stride * (uint64_t)img->height;
        if (img->format == VP_FORMAT_I420) {
            uint64_t s1 = img->stride1 ? (uint64_t)img->stride1 : (stride + 1) / 2;
            uint64_t s2 = img->stride2 ? (uint64_t)img->stride2 : s1;
            if (img->plane2) return VP_ERR_INVALID_ARGUMENT; /* both or neither */
            total += s1 * ch + s2 * (ch - 1) + cw;
        } else {
            uint64_t s1 = img->stride1 ? (uint64_t)img->stride1 : (stride + 1) & ~(uint64_t)1;
            total += s1 * (ch - 1) + 2 * cw;
        }
    }
    if (total > (uint64_t)(size_t)-1) return VP_ERR_OVERFLOW;
    *bytes = (size_t)total;
    return VP_OK;
}

static inline int32_t q_round_sat(float v, int lo, int hi) {
    float r;
    if (!(v == v)) return lo;
    r = floorf(v + 0.5f);
    if (r < (float)lo) return lo;
    if (r > (float)hi) return hi;
    return (int32_t)r;
}

typedef struct writer {
    int dtype, layout, C, W, H;
    float a[3], b[3];     /* y = x * a + b  (a = 1/std, b = -mean/std) for FLOAT32 and quantised */
    float qinv;           /* 1 / quant_scale (0: raw pixels) */
    int zp, lo, hi;
    int order[3];         /* output channel c takes RGB channel order[c] */
    void *out;
} writer;

static void write_px(const writer *wr, int x, int y, const float *rgb) {
    float v[3];
    int c;
    size_t base = (size_t)y * (size_t)wr->W + (size_t)x;
    if (wr->C == 1) v[0] = 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
    else for (c = 0; c < 3; c++) v[c] = rgb[wr->order[c]];
    for (c = 0; c < wr->C; c++) {
        size_t at = wr->layout == VP_LAYOUT_NCHW ? (size_t)c * (size_t)wr->W * (size_t)wr->H + base
                                                  : base * (size_t)wr->C + (size_t)c;
        if (wr->dtype == VP_DTYPE_FLOAT32) {
            ((float *)wr->out)[at] = (v[c] - wr->b[c]) * wr->a[c];
        } else {
            int32_t q;
            if (wr->qinv == 0.f) q = q_round_sat(v[c], 0, 255) + (wr->dtype == VP_DTYPE_INT8 ? -128 : 0);
            else q = q_round_sat((v[c] - wr->b[c]) * wr->a[c] * wr->qinv + (float)wr->zp, wr->lo, wr->hi);
            if (wr->dtype == VP_DTYPE_UINT8) ((uint8_t *)wr->out)[at] = (uint8_t)q;
            else ((int8_t *)wr->out)[at] = (int8_t)q;
        }
    }
}

vp_status vp_preprocess(vp_ctx *ctx, const vp_image *src, const vp_spec *spec, void *out, size_t out_bytes,
                        void *scratch, size_t scratch_bytes) {
    plan p;
    disp_axis ax, ay;
    vp_status st;
    uint8_t *cur;
    float *acc, *hrow, *wtmp;
    uint8_t *ring = NULL;
    int32_t *ring_tag = NULL, *hidx;
    size_t need, span_bytes;
    int ky, kx, stride;
    writer wr;
    const disp_axis *dx, *dy;
    int fast_nchw, fast_j[3];
    float fast_mean[3], fast_inv[3];

    if (!ctx) return VP_ERR_INVALID_ARGUMENT;
    ctx->err[0] = 0;
    st = make_plan(ctx, src, spec, &p, &ax, &ay);
    if (st != VP_OK) return st;
    if (!out) return vp__fail(ctx, VP_ERR_INVALID_ARGUMENT, "output buffer is NULL");
    if (out_bytes < p.out_bytes)
        return vp__fail(ctx, VP_ERR_BUFFER_TOO_SMALL, "output buffer %zu bytes < %zu", out_bytes, p.out_bytes);
    need = p.scratch_bytes + 64;
    if (scratch) {
        if (scratch_bytes < need)
            return vp__fail(ctx, VP_ERR_BUFFER_TOO_SMALL, "scratch %zu bytes < %zu", scratch_bytes, need);
    } else {
        if (ctx->scratch_size < need) {
            void *nb = realloc(ctx->scratch, need);
            if (!nb) return vp__fail(ctx, VP_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes of scratch", need);
            ctx->scratch = nb;
            ctx->scratch_size = need;
        }
        scratch = ctx->scratch;
    }
    cur = (uint8_t *)(((uintptr_t)scratch + 63u) & ~(uintptr_t)63u);

    /* tables */
    p.tx.start = (int32_t *)carve(&cur, (size_t)p.tx.n * 3u * sizeof(int32_t));
    p.tx.cnt = p.tx.start + p.tx.n;
    p.tx.dst = p.tx.cnt + p.tx.n;
    p.tx.w = (float *)carve(&cur, (size_t)p.tx.n * (size_t)p.tx.maxtaps * sizeof(float));
    p.ty.start = (int32_t *)carve(&cur, (size_t)p.ty.n * 3u * sizeof(int32_t));
    p.ty.cnt = p.ty.start + p.ty.n;
    p.ty.dst = p.ty.cnt + p.ty.n;
    p.ty.w = (float *)carve(&cur, (size_t)p.ty.n * (size_t)p.ty.maxtaps * sizeof(float));
    wtmp = (float *)carve(&cur, (size_t)(p.tx.maxtaps > p.ty.maxtaps ? p.tx.maxtaps : p.ty.maxtaps) * sizeof(float));
    dx = p.transposed ? &ay : &ax;
    dy = p.transposed ? &ax : &ay;
    fill_tab(&p.tx, dx, wtmp);
    fill_tab(&p.ty, dy, wtmp);

    acc = (float *)carve(&cur, ((size_t)p.sw * (size_t)p.cin + 1u) * sizeof(float));
    hrow = (float *)carve(&cur, (size_t)p.tx.n * 3u * sizeof(float));
    span_bytes = (size_t)(p.tx.hi - p.tx.lo) * (size_t)p.cin; /* bytes (u8) == floats per acc row */
    acc[span_bytes] = 0.f; /* the padding lane hpass3 may read */
    if (p.yuv) {
        int i;
        ring = carve(&cur, (size_t)p.sw * 3u * (size_t)p.ty.maxtaps);
        ring_tag = (int32_t *)carve(&cur, (size_t)p.ty.maxtaps * sizeof(int32_t));
        for (i = 0; i < p.ty.maxtaps; i++) ring_tag[i] = -1;
    }
    /* horizontal taps as accumulator indices relative to the span start; reuse tx.start in place */
    hidx = p.tx.start;
    for (kx = 0; kx < p.tx.n; kx++) hidx[kx] = (p.tx.start[kx] - p.tx.lo) * p.cin;

    /* writer */
    memset(&wr, 0, sizeof wr);
    wr.dtype = spec->dtype; wr.layout = spec->layout; wr.C = p.out_c; wr.W = p.out_w; wr.H = p.out_h;
    wr.out = out;
    {
        int c;
        for (c = 0; c < 3; c++) {
            wr.a[c] = 1.0f / spec->std[c];
            wr.b[c] = spec->mean[c];
            wr.order[c] = spec->channels == VP_CHANNELS_BGR ? 2 - c : c;
        }
        if (spec->dtype != VP_DTYPE_FLOAT32) {
            wr.qinv = spec->quant_scale > 0.f ? 1.0f / spec->quant_scale : 0.f;
            wr.zp = spec->quant_zero_point;
            wr.lo = spec->dtype == VP_DTYPE_UINT8 ? 0 : -128;
            wr.hi = spec->dtype == VP_DTYPE_UINT8 ? 255 : 127;
        }
    }
    /* channel positions of R,G,B in an accumulator pixel */
    switch (src->format) {
    case VP_FORMAT_BGR8: case VP_FORMAT_BGRA8: p.ch_r = 2; p.ch_g = 1; p.ch_b = 0; break;
    case VP_FORMAT_GRAY8: p.ch_r = p.ch_g = p.ch_b = 0; break;
    default: p.ch_r = 0; p.ch_g = 1; p.ch_b = 2; break;
    }

    /* float32 RGB/BGR NCHW output whose x runs along source x unflipped: the norm3_f32 kernel */
    fast_nchw = spec->dtype == VP_DTYPE_FLOAT32 && p.out_c == 3 && spec->layout == VP_LAYOUT_NCHW && !p.transposed &&
                !ax.flip;
    if (fast_nchw) {
        int c;
        for (c = 0; c < 3; c++) {
            int q = wr.order[c]; /* RGB channel that output channel c takes */
            int j = p.cin == 1 ? c : (q == 0 ? p.ch_r : q == 1 ? p.ch_g : p.ch_b);
            fast_j[c] = j;
            fast_mean[j] = wr.b[c];
            fast_inv[j] = wr.a[c];
        }
    }

    /* letterbox: paint the pad first (only the border actually needs it, the rest is overwritten) */
    if (spec->resize == VP_RESIZE_LETTERBOX && (ax.n < ax.N || ay.n < ay.N)) {
        int x, y;
        for (y = 0; y < p.out_h; y++) {
            int inside_y = y >= ay.p0 && y < ay.p0 + ay.n;
            for (x = 0; x < p.out_w; x++) {
                if (inside_y && x >= ax.p0 && x < ax.p0 + ax.n) { x = ax.p0 + ax.n - 1; continue; }
                write_px(&wr, x, y, spec->pad_value);
            }
        }
    }

    stride = src->stride_bytes ? src->stride_bytes : src->width * p.bpp;
    for (ky = 0; ky < p.ty.n; ky++) {
        const float *wy = p.ty.w + (size_t)ky * (size_t)p.ty.maxtaps;
        int t, cnt = p.ty.cnt[ky];
        for (t = 0; t < cnt; t++) {
            int row = p.ty.start[ky] + t;
            const uint8_t *rp;
            if (p.yuv) {
                int slot = row % p.ty.maxtaps;
                uint8_t *rr = ring + (size_t)slot * (size_t)p.sw * 3u;
                if (ring_tag[slot] != row) {
                    yuv_row_to_rgb(&ctx->kern, src, row, p.tx.lo, p.tx.hi, rr);
                    ring_tag[slot] = row;
                }
                rp = rr;
            } else {
                rp = src->data + (size_t)row * (size_t)stride + (size_t)p.tx.lo * (size_t)p.bpp;
            }
            ctx->kern.vacc_u8(acc, rp, wy[t], span_bytes, t == 0);
        }
        /* horizontal pass -> hrow (3 floats per output, accumulator channel order) */
        if (p.cin == 1) {
            for (kx = 0; kx < p.tx.n; kx++) {
                const float *wx = p.tx.w + (size_t)kx * (size_t)p.tx.maxtaps;
                const float *a = acc + hidx[kx];
                float s = wx[0] * a[0];
                for (t = 1; t < p.tx.cnt[kx]; t++) s = s + wx[t] * a[t];
                hrow[3 * kx] = hrow[3 * kx + 1] = hrow[3 * kx + 2] = s;
            }
        } else {
            ctx->kern.hpass3(acc, p.cin, hidx, p.tx.cnt, p.tx.w, p.tx.maxtaps, p.tx.n, hrow);
        }
        if (fast_nchw) {
            /* outputs of this row are contiguous and ascending in each NCHW plane: SIMD normalise */
            float *dst[3];
            size_t row_off = (size_t)p.ty.dst[ky] * (size_t)p.out_w + (size_t)p.tx.dst[0];
            int c;
            for (c = 0; c < 3; c++) dst[fast_j[c]] = (float *)out + (size_t)c * (size_t)p.out_w * (size_t)p.out_h + row_off;
            ctx->kern.norm3_f32(hrow, (size_t)p.tx.n, fast_mean, fast_inv, dst);
            continue;
        }
        for (kx = 0; kx < p.tx.n; kx++) {
            float rgb[3];
            const float *h = hrow + 3 * kx;
            int xo, yo;
            rgb[0] = h[p.ch_r]; rgb[1] = h[p.ch_g]; rgb[2] = h[p.ch_b];
            if (p.transposed) { xo = p.ty.dst[ky]; yo = p.tx.dst[kx]; }
            else { xo = p.tx.dst[kx]; yo = p.ty.dst[ky]; }
            write_px(&wr, xo, yo, rgb);
        }
    }
    return VP_OK;
}
