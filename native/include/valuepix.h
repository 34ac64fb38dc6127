/*
 * valuepix.h — the only public header of libvaluepix, the ValuePix native core.
 *
 * One fused pass from a camera frame or decoded photo to the tensor a model wants:
 * EXIF orientation · ROI · resize (area when shrinking, bilinear otherwise) · centre-crop /
 * letterbox / stretch · colour conversion · mean/std normalisation · NCHW/NHWC · float32/uint8/int8.
 *
 * Rules (see shared/docs/DESIGN.md):
 *  - Every call that can fail returns vp_status (0 = VP_OK). Values are only ever appended.
 *  - No global mutable state; one vp_ctx per thread. The library never aborts, prints or does I/O.
 *  - The caller owns every image and output buffer. vp_preprocess_query() says how large the output
 *    and scratch must be; vp_preprocess() never allocates when the caller passes scratch (and the
 *    context's own scratch only grows, so a steady stream of equal-sized frames allocates once).
 *  - ABI: pass VP_ABI_VERSION to vp_ctx_create(); structs carry their own size (struct_size) and
 *    only ever grow at the end.
 *
 * Compiles as C99 and as C++.
 */
#ifndef VALUEPIX_H
#define VALUEPIX_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(VP_BUILD_SHARED)
#define VP_API __declspec(dllexport)
#elif defined(_WIN32) && defined(VP_USE_SHARED)
#define VP_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define VP_API __attribute__((visibility("default")))
#else
#define VP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define VP_VERSION_MAJOR 0
#define VP_VERSION_MINOR 1
#define VP_VERSION_PATCH 0
/* Bumped on any incompatible change of a struct layout or a function's meaning. */
#define VP_ABI_VERSION 1

typedef enum vp_status {
    VP_OK = 0,
    VP_ERR_INVALID_ARGUMENT = 1,   /* NULL pointer, bad enum, bad geometry, bad stride ...        */
    VP_ERR_UNSUPPORTED_FORMAT = 2, /* pixel format / combination not supported                     */
    VP_ERR_TOO_LARGE = 3,          /* source exceeds the context's pixel limit                     */
    VP_ERR_OVERFLOW = 4,           /* a size computation would overflow                            */
    VP_ERR_BUFFER_TOO_SMALL = 5,   /* output or scratch smaller than vp_preprocess_query() says    */
    VP_ERR_ABI_MISMATCH = 6,       /* caller compiled against another VP_ABI_VERSION / struct size */
    VP_ERR_OUT_OF_MEMORY = 7,      /* the context could not grow its scratch                       */
    VP_ERR_INTERNAL = 8
} vp_status;

/* Pixel formats of a source image. For the YUV 4:2:0 formats, chroma has ceil(w/2) x ceil(h/2)
 * samples; see vp_image for plane addressing. YUV -> RGB uses BT.601 limited range (as OpenCV's
 * COLOR_YUV2RGB_NV21 / NV12 / I420, bit-exact). */
typedef enum vp_format {
    VP_FORMAT_RGB8 = 1,
    VP_FORMAT_BGR8 = 2,
    VP_FORMAT_RGBA8 = 3, /* alpha ignored (camera frames are opaque; composite before if not) */
    VP_FORMAT_BGRA8 = 4,
    VP_FORMAT_GRAY8 = 5,
    VP_FORMAT_NV12 = 6, /* Y plane, then interleaved U,V */
    VP_FORMAT_NV21 = 7, /* Y plane, then interleaved V,U (Android camera default) */
    VP_FORMAT_I420 = 8  /* Y plane, then U plane, then V plane */
} vp_format;

/* A view of an image the caller owns.
 * stride_bytes: bytes between rows of the first plane (>= width * bytes-per-pixel; 0 = tight).
 * plane1 / plane2: the chroma planes of YUV formats (NV12/NV21: plane1 = interleaved UV, plane2
 * unused; I420: plane1 = U, plane2 = V). NULL means "contiguous": the planes follow the Y plane
 * (at data + stride_bytes * height), NV chroma rows every stride_bytes rounded up to even
 * (room for ceil(w/2) U,V pairs when w is odd), I420 chroma rows every (stride_bytes + 1) / 2. stride1 / stride2: their row strides (0 = the contiguous default). */
typedef struct vp_image {
    const uint8_t *data;
    int32_t width;
    int32_t height;
    int32_t stride_bytes;
    int32_t format; /* vp_format */
    const uint8_t *plane1;
    const uint8_t *plane2;
    int32_t stride1;
    int32_t stride2;
} vp_image;

typedef enum vp_resize {
    VP_RESIZE_STRETCH = 0,       /* scale each axis to the output size                                */
    VP_RESIZE_SHORTER_CROP = 1,  /* scale so the shorter side = shorter_side, then centre-crop        */
    VP_RESIZE_LETTERBOX = 2      /* scale to fit inside, centre, pad with pad_value                   */
} vp_resize;

typedef enum vp_interp {
    VP_INTERP_AUTO = 0,     /* per axis: area when shrinking, bilinear otherwise (OpenCV semantics) */
    VP_INTERP_BILINEAR = 1, /* OpenCV INTER_LINEAR (half-pixel centres, replicated border)          */
    VP_INTERP_AREA = 2      /* OpenCV INTER_AREA; falls back to bilinear on an enlarged axis        */
} vp_interp;

typedef enum vp_layout { VP_LAYOUT_NCHW = 0, VP_LAYOUT_NHWC = 1 } vp_layout;
typedef enum vp_dtype { VP_DTYPE_FLOAT32 = 0, VP_DTYPE_UINT8 = 1, VP_DTYPE_INT8 = 2 } vp_dtype;
typedef enum vp_channels { VP_CHANNELS_RGB = 0, VP_CHANNELS_BGR = 1, VP_CHANNELS_GRAY = 2 } vp_channels;

/* What the output tensor should be. Initialise with vp_spec_init() and change what you need.
 *
 * Geometry (all in *display* coordinates, i.e. after applying `orientation`):
 *   roi_*: the region of the oriented image to use (all four 0: all of it).
 *   SHORTER_CROP: the ROI is scaled so its shorter side becomes shorter_side and its longer side
 *     floor(long * shorter_side / short) (torchvision's convention); the output window is taken at
 *     offset ((resized - out) / 2) per axis. shorter_side == 0: the smallest scale covering the output.
 *   LETTERBOX: scale = min(out_w / roi_w, out_h / roi_h); resized = round(roi * scale) (>= 1);
 *     placed at ((out - resized) / 2); the rest is pad_value (in 0..255 pixel units, RGB order).
 * Values: x = pixel in 0..255 (channel order `channels`);
 *   FLOAT32: y = (x - mean[c]) / std[c]
 *   UINT8 / INT8 with quant_scale == 0: y = round(x) (INT8: round(x) - 128)
 *   UINT8 / INT8 with quant_scale  > 0: y = saturate(round(((x - mean[c]) / std[c]) / quant_scale) + quant_zero_point)
 * GRAY output: one channel, Y = 0.299 R + 0.587 G + 0.114 B; mean[0] / std[0] apply.
 */
typedef struct vp_spec {
    uint32_t struct_size; /* = sizeof(vp_spec), set by vp_spec_init() */
    int32_t out_width;
    int32_t out_height;
    int32_t resize;       /* vp_resize */
    int32_t shorter_side;
    int32_t interp;       /* vp_interp */
    int32_t orientation;  /* EXIF orientation 1..8 (0 is taken as 1) */
    int32_t roi_x, roi_y, roi_width, roi_height;
    int32_t channels;     /* vp_channels */
    int32_t layout;       /* vp_layout */
    int32_t dtype;        /* vp_dtype */
    float mean[3];
    float std[3];
    float pad_value[3];
    float quant_scale;
    int32_t quant_zero_point;
} vp_spec;

/* Context settings (enum-keyed so the context never changes shape). */
typedef enum vp_option {
    VP_OPT_MAX_PIXELS = 1, /* largest accepted source width*height (default 178956970, Pillow's bomb limit x2) */
    VP_OPT_SIMD = 2        /* read: the kernel level in use; write: cap it (VP_SIMD_*) */
} vp_option;

typedef enum vp_simd { VP_SIMD_SCALAR = 0, VP_SIMD_SSE2 = 1, VP_SIMD_AVX2 = 2, VP_SIMD_NEON = 3 } vp_simd;

typedef struct vp_ctx vp_ctx;

VP_API int vp_abi_version(void);
VP_API const char *vp_version_string(void);
VP_API const char *vp_status_str(vp_status status);

/* abi_version must be VP_ABI_VERSION as the caller compiled it. *out is NULL on failure. */
VP_API vp_status vp_ctx_create(int abi_version, vp_ctx **out);
VP_API void vp_ctx_destroy(vp_ctx *ctx); /* NULL is a no-op */
VP_API vp_status vp_ctx_set(vp_ctx *ctx, vp_option option, int64_t value);
VP_API vp_status vp_ctx_get(const vp_ctx *ctx, vp_option option, int64_t *value);
/* The message of the last failed call on this context ("" if none). Valid until the next call. */
VP_API const char *vp_ctx_last_error(const vp_ctx *ctx);

/* Bytes the image spans from img->data (all planes when plane1/plane2 are NULL: the contiguous
 * convention), so a binding can check a buffer before handing it over. */
VP_API vp_status vp_image_bytes(const vp_image *img, size_t *bytes);

VP_API void vp_spec_init(vp_spec *spec); /* 224x224 shorter_crop 256, (x-127)/128, RGB, NCHW, float32 */

/* Bytes needed for the output tensor and the scratch of one vp_preprocess() call. */
VP_API vp_status vp_preprocess_query(vp_ctx *ctx, const vp_image *src, const vp_spec *spec,
                                     size_t *out_bytes, size_t *scratch_bytes);

/* The fused pass. scratch may be NULL (the context's scratch is used, grown if needed). */
VP_API vp_status vp_preprocess(vp_ctx *ctx, const vp_image *src, const vp_spec *spec,
                               void *out, size_t out_bytes, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif

#endif /* VALUEPIX_H */
