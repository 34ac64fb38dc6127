/* valuepix_jni.c — thin JNI shim for com.valuepix.Native (bindings/jni/java). Includes only the
 * public valuepix.h and the JDK's jni.h (plus the C library). It does what only the binding can:
 * turn direct buffers into pointers, check that every plane the image spans lies inside its buffer
 * (vp_image_bytes + the chroma rules of valuepix.h) before the core reads it, and map vp_status to
 * com.valuepix.ValuePixException with the context's last error text. No allocation besides the
 * context itself; the core never prints or aborts, neither does this.
 * Build (host): see `make -C native java-test`; Android: ndk-build / CMake, see docs/embedded.md. */
#include <jni.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "valuepix.h"

#define FORMAT_SEMIPLANAR_AUTO 0x100 /* Native.FORMAT_SEMIPLANAR_AUTO */
#define N_ISPEC 14
#define N_FSPEC 10

static void throw_class(JNIEnv *env, const char *cls, const char *msg) {
    jclass c = (*env)->FindClass(env, cls);
    if (c) (*env)->ThrowNew(env, c, msg);
}

static void throw_vp(JNIEnv *env, int status, const char *msg) {
    jclass c;
    jmethodID ctor;
    jstring jmsg;
    jobject ex;
    if ((*env)->ExceptionCheck(env)) return;
    c = (*env)->FindClass(env, "com/valuepix/ValuePixException");
    if (!c) return; /* NoClassDefFoundError pending */
    ctor = (*env)->GetMethodID(env, c, "<init>", "(ILjava/lang/String;)V");
    if (!ctor) return;
    jmsg = (*env)->NewStringUTF(env, msg && msg[0] ? msg : vp_status_str((vp_status)status));
    if (!jmsg) return;
    ex = (*env)->NewObject(env, c, ctor, (jint)status, jmsg);
    if (ex) (*env)->Throw(env, (jthrowable)ex);
}

/* throws for a failed core call on ctx; returns 1 if it threw */
static int check(JNIEnv *env, vp_ctx *ctx, vp_status st) {
    if (st == VP_OK) return 0;
    throw_vp(env, (int)st, ctx ? vp_ctx_last_error(ctx) : NULL);
    return 1;
}

static vp_ctx *ctx_of(jlong h) { return (vp_ctx *)(intptr_t)h; }

static int spec_from(JNIEnv *env, jintArray ji, jfloatArray jf, vp_spec *sp) {
    jint i[N_ISPEC];
    jfloat f[N_FSPEC];
    int c;
    if (!ji || !jf || (*env)->GetArrayLength(env, ji) != N_ISPEC || (*env)->GetArrayLength(env, jf) != N_FSPEC) {
        throw_class(env, "java/lang/IllegalArgumentException", "bad spec arrays");
        return 0;
    }
    (*env)->GetIntArrayRegion(env, ji, 0, N_ISPEC, i);
    (*env)->GetFloatArrayRegion(env, jf, 0, N_FSPEC, f);
    if ((*env)->ExceptionCheck(env)) return 0;
    vp_spec_init(sp);
    sp->out_width = i[0];
    sp->out_height = i[1];
    sp->resize = i[2];
    sp->shorter_side = i[3];
    sp->interp = i[4];
    sp->orientation = i[5];
    sp->roi_x = i[6];
    sp->roi_y = i[7];
    sp->roi_width = i[8];
    sp->roi_height = i[9];
    sp->channels = i[10];
    sp->layout = i[11];
    sp->dtype = i[12];
    sp->quant_zero_point = i[13];
    for (c = 0; c < 3; c++) {
        sp->mean[c] = f[c];
        sp->std[c] = f[3 + c];
        sp->pad_value[c] = f[6 + c];
    }
    sp->quant_scale = f[9];
    return 1;
}

/* pointer to [off, off + len) of a direct buffer, checked against its capacity (elem bytes each) */
static uint8_t *span_of(JNIEnv *env, jobject buf, jlong off, jlong len, jint elem, const char *what) {
    uint8_t *base;
    jlong cap;
    char msg[128];
    if (!buf) return NULL;
    base = (uint8_t *)(*env)->GetDirectBufferAddress(env, buf);
    cap = (*env)->GetDirectBufferCapacity(env, buf);
    if (!base || cap < 0 || elem < 1) {
        snprintf(msg, sizeof msg, "%s is not a direct buffer", what);
        throw_class(env, "java/lang/IllegalArgumentException", msg);
        return NULL;
    }
    if (off < 0 || len < 0 || off > cap * elem || len > cap * elem - off) {
        snprintf(msg, sizeof msg, "%s: range outside the buffer", what);
        throw_class(env, "java/lang/IndexOutOfBoundsException", msg);
        return NULL;
    }
    return base + off;
}

static int need(JNIEnv *env, const char *what, uint64_t needed, jlong have) {
    char msg[160];
    if (needed <= (uint64_t)have) return 1;
    snprintf(msg, sizeof msg, "%s buffer has %lld bytes, the image needs %llu", what, (long long)have,
             (unsigned long long)needed);
    throw_vp(env, VP_ERR_INVALID_ARGUMENT, msg);
    return 0;
}

JNIEXPORT jlong JNICALL Java_com_valuepix_Native_nCreate(JNIEnv *env, jclass cls, jint abi) {
    vp_ctx *ctx = NULL;
    vp_status st = vp_ctx_create((int)abi, &ctx);
    (void)cls;
    if (st != VP_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "vp_ctx_create(abi %d): %s (library ABI %d)", (int)abi, vp_status_str(st),
                 vp_abi_version());
        throw_vp(env, (int)st, msg);
        return 0;
    }
    return (jlong)(intptr_t)ctx;
}

JNIEXPORT void JNICALL Java_com_valuepix_Native_nDestroy(JNIEnv *env, jclass cls, jlong h) {
    (void)env;
    (void)cls;
    vp_ctx_destroy(ctx_of(h));
}

JNIEXPORT jint JNICALL Java_com_valuepix_Native_nAbiVersion(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return vp_abi_version();
}

JNIEXPORT jstring JNICALL Java_com_valuepix_Native_nVersionString(JNIEnv *env, jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, vp_version_string());
}

JNIEXPORT jstring JNICALL Java_com_valuepix_Native_nStatusStr(JNIEnv *env, jclass cls, jint st) {
    (void)cls;
    return (*env)->NewStringUTF(env, vp_status_str((vp_status)st));
}

JNIEXPORT void JNICALL Java_com_valuepix_Native_nSet(JNIEnv *env, jclass cls, jlong h, jint opt, jlong value) {
    (void)cls;
    check(env, ctx_of(h), vp_ctx_set(ctx_of(h), (vp_option)opt, (int64_t)value));
}

JNIEXPORT jlong JNICALL Java_com_valuepix_Native_nGet(JNIEnv *env, jclass cls, jlong h, jint opt) {
    int64_t v = 0;
    (void)cls;
    if (check(env, ctx_of(h), vp_ctx_get(ctx_of(h), (vp_option)opt, &v))) return 0;
    return (jlong)v;
}

JNIEXPORT jlong JNICALL Java_com_valuepix_Native_nQuery(JNIEnv *env, jclass cls, jlong h, jint w, jint hh, jint fmt,
                                                        jintArray ji, jfloatArray jf) {
    static const uint8_t probe[1] = {0}; /* the query validates geometry only; it reads no pixels */
    vp_image im;
    vp_spec sp;
    size_t ob = 0, sb = 0;
    (void)cls;
    if (!spec_from(env, ji, jf, &sp)) return 0;
    memset(&im, 0, sizeof im);
    im.data = probe;
    im.width = w;
    im.height = hh;
    im.format = fmt;
    if (check(env, ctx_of(h), vp_preprocess_query(ctx_of(h), &im, &sp, &ob, &sb))) return 0;
    return (jlong)ob;
}

JNIEXPORT jlong JNICALL Java_com_valuepix_Native_nPreprocess(JNIEnv *env, jclass cls, jlong h, jobject b0, jint off0,
                                                             jint len0, jobject b1, jint off1, jint len1, jobject b2,
                                                             jint off2, jint len2, jintArray jimg, jintArray ji,
                                                             jfloatArray jf, jobject out, jlong out_off,
                                                             jlong out_len, jint out_elem) {
    vp_ctx *ctx = ctx_of(h);
    vp_image im;
    vp_spec sp;
    jint g[6];
    const uint8_t *p0, *p1 = NULL, *p2 = NULL;
    uint8_t *o;
    size_t ob = 0, sb = 0, ybytes = 0;
    jlong avail1 = len1;
    (void)cls;
    if (!spec_from(env, ji, jf, &sp)) return 0;
    if (!jimg || (*env)->GetArrayLength(env, jimg) != 6) {
        throw_class(env, "java/lang/IllegalArgumentException", "bad image array");
        return 0;
    }
    (*env)->GetIntArrayRegion(env, jimg, 0, 6, g);
    if (!(p0 = span_of(env, b0, off0, len0, 1, "source"))) return 0;
    if (b1 && !(p1 = span_of(env, b1, off1, len1, 1, "plane1"))) return 0;
    if (b2 && !(p2 = span_of(env, b2, off2, len2, 1, "plane2"))) return 0;
    if (!(o = span_of(env, out, out_off, out_len, out_elem, "out"))) return 0;

    memset(&im, 0, sizeof im);
    im.data = p0;
    im.width = g[0];
    im.height = g[1];
    im.stride_bytes = g[2];
    im.format = g[3];
    im.stride1 = g[4];
    im.stride2 = g[5];
    if (im.format == FORMAT_SEMIPLANAR_AUTO) { /* YUV_420_888, pixel stride 2: U and V one byte apart */
        if (p1 && p2 && p2 + 1 == p1) {        /* V first: NV21 */
            im.format = VP_FORMAT_NV21;
            avail1 = len2 > (jlong)len1 + 1 ? len2 : (jlong)len1 + 1;
            p1 = p2;
        } else if (p1 && p2 && p1 + 1 == p2) { /* U first: NV12 */
            im.format = VP_FORMAT_NV12;
            avail1 = len1 > (jlong)len2 + 1 ? len1 : (jlong)len2 + 1;
        } else {
            throw_vp(env, VP_ERR_UNSUPPORTED_FORMAT, "pixel stride 2 but the U and V planes are not interleaved");
            return 0;
        }
        p2 = NULL;
    }
    im.plane1 = p1;
    im.plane2 = p2;
    if ((p1 || p2) && im.format != VP_FORMAT_NV12 && im.format != VP_FORMAT_NV21 && im.format != VP_FORMAT_I420) {
        throw_vp(env, VP_ERR_INVALID_ARGUMENT, "separate planes are only for NV12, NV21 and I420");
        return 0;
    }
    if (im.format == VP_FORMAT_I420 && p1 && !p2) {
        throw_vp(env, VP_ERR_INVALID_ARGUMENT, "I420 with separate planes needs both U and V");
        return 0;
    }
    /* the span of the Y plane (or of everything, when the chroma follows it in the same buffer) */
    if (check(env, ctx, vp_image_bytes(&im, &ybytes)) || !need(env, "source", ybytes, len0)) return 0;
    if (p1) { /* chroma planes: ceil(h/2) rows; a row holds ceil(w/2) pairs (NV) or samples (I420) */
        uint64_t ch = ((uint64_t)im.height + 1) / 2, cw = ((uint64_t)im.width + 1) / 2;
        uint64_t ys = im.stride_bytes ? (uint64_t)im.stride_bytes : (uint64_t)im.width;
        if (im.stride1 < 0 || im.stride2 < 0) {
            throw_vp(env, VP_ERR_INVALID_ARGUMENT, "negative chroma stride");
            return 0;
        }
        if (im.format == VP_FORMAT_I420) {
            uint64_t s1 = im.stride1 ? (uint64_t)im.stride1 : (ys + 1) / 2, s2 = im.stride2 ? (uint64_t)im.stride2 : s1;
            if (!need(env, "U plane", s1 * (ch - 1) + cw, len1) || !need(env, "V plane", s2 * (ch - 1) + cw, len2))
                return 0;
        } else {
            uint64_t s1 = im.stride1 ? (uint64_t)im.stride1 : (ys + 1) & ~(uint64_t)1;
            if (!need(env, "chroma plane", s1 * (ch - 1) + 2 * cw, avail1)) return 0;
        }
    }
    if (check(env, ctx, vp_preprocess_query(ctx, &im, &sp, &ob, &sb))) return 0;
    if (check(env, ctx, vp_preprocess(ctx, &im, &sp, o, (size_t)out_len, NULL, 0))) return 0;
    return (jlong)ob;
}
