package com.valuepix;

import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Java face of libvaluepix (native/include/valuepix.h) through the thin JNI shim in
 * bindings/jni/c/valuepix_jni.c: the fused preprocess on direct buffers, as an Android app calls it
 * with camera frames. One instance wraps one vp_ctx: use it from one thread at a time (one per
 * thread), and {@link #close()} it. Failures throw {@link ValuePixException} carrying the vp_status
 * and the context's last error message; misuse of the Java API (non-direct buffers, closed
 * instance) throws the usual Java exceptions. Nothing is copied: source planes and the output are
 * read and written in place from each buffer's position.
 */
public final class Native implements AutoCloseable {
    /** The ABI version this class was written against (VP_ABI_VERSION). */
    public static final int ABI_VERSION = 1;

    // vp_status
    public static final int STATUS_OK = 0, STATUS_INVALID_ARGUMENT = 1, STATUS_UNSUPPORTED_FORMAT = 2,
            STATUS_TOO_LARGE = 3, STATUS_OVERFLOW = 4, STATUS_BUFFER_TOO_SMALL = 5, STATUS_ABI_MISMATCH = 6,
            STATUS_OUT_OF_MEMORY = 7, STATUS_INTERNAL = 8;
    // vp_format
    public static final int FORMAT_RGB8 = 1, FORMAT_BGR8 = 2, FORMAT_RGBA8 = 3, FORMAT_BGRA8 = 4, FORMAT_GRAY8 = 5,
            FORMAT_NV12 = 6, FORMAT_NV21 = 7, FORMAT_I420 = 8;
    // vp_resize, vp_interp, vp_layout, vp_dtype, vp_channels
    public static final int RESIZE_STRETCH = 0, RESIZE_SHORTER_CROP = 1, RESIZE_LETTERBOX = 2;
    public static final int INTERP_AUTO = 0, INTERP_BILINEAR = 1, INTERP_AREA = 2;
    public static final int LAYOUT_NCHW = 0, LAYOUT_NHWC = 1;
    public static final int DTYPE_FLOAT32 = 0, DTYPE_UINT8 = 1, DTYPE_INT8 = 2;
    public static final int CHANNELS_RGB = 0, CHANNELS_BGR = 1, CHANNELS_GRAY = 2;
    // vp_option, vp_simd
    public static final int OPT_MAX_PIXELS = 1, OPT_SIMD = 2;
    public static final int SIMD_SCALAR = 0, SIMD_SSE2 = 1, SIMD_AVX2 = 2, SIMD_NEON = 3;

    /** Shim-internal format: YUV_420_888 semi-planar, NV12 or NV21 decided from the plane addresses. */
    static final int FORMAT_SEMIPLANAR_AUTO = 0x100;

    static {
        System.loadLibrary("valuepix_jni");
    }

    /** What the output tensor should be (mirrors vp_spec; defaults are vp_spec_init's). */
    public static final class Spec {
        public int outWidth = 224, outHeight = 224;
        public int resize = RESIZE_SHORTER_CROP, shorterSide = 256, interp = INTERP_AUTO;
        public int orientation = 1; // EXIF 1..8
        public int roiX, roiY, roiWidth, roiHeight; // all 0: whole image
        public int channels = CHANNELS_RGB, layout = LAYOUT_NCHW, dtype = DTYPE_FLOAT32;
        public float[] mean = {127f, 127f, 127f}, std = {128f, 128f, 128f}, padValue = {0f, 0f, 0f};
        public float quantScale = 0f;
        public int quantZeroPoint = 0;

        int[] ints() {
            return new int[] {outWidth, outHeight, resize, shorterSide, interp, orientation, roiX, roiY, roiWidth,
                    roiHeight, channels, layout, dtype, quantZeroPoint};
        }

        float[] floats() {
            if (mean.length != 3 || std.length != 3 || padValue.length != 3)
                throw new IllegalArgumentException("mean, std and padValue need 3 values");
            return new float[] {mean[0], mean[1], mean[2], std[0], std[1], std[2], padValue[0], padValue[1],
                    padValue[2], quantScale};
        }
    }

    private long handle;

    /** A new context (vp_ctx_create with {@link #ABI_VERSION}). */
    public Native() {
        this(ABI_VERSION);
    }

    Native(int abiVersion) { // package-private: lets the test exercise the ABI check
        handle = nCreate(abiVersion);
    }

    public static int abiVersion() {
        return nAbiVersion();
    }

    public static String versionString() {
        return nVersionString();
    }

    public static String statusString(int status) {
        return nStatusStr(status);
    }

    public void set(int option, long value) {
        nSet(live(), option, value);
    }

    public long get(int option) {
        return nGet(live(), option);
    }

    /** Bytes of output tensor for this source size and spec (vp_preprocess_query). */
    public long outputBytes(int width, int height, int format, Spec spec) {
        return nQuery(live(), width, height, format, spec.ints(), spec.floats());
    }

    /**
     * Fused preprocess of a single-buffer image (packed RGB/BGR/RGBA/BGRA/GRAY, or NV21/NV12/I420
     * with the chroma following the Y plane as in valuepix.h). stride 0 = tight. out: a direct
     * ByteBuffer or FloatBuffer (native byte order for float output), written from its position.
     * Returns the number of bytes written.
     */
    public long preprocess(ByteBuffer src, int width, int height, int stride, int format, Spec spec, Buffer out) {
        return run(src, null, null, new int[] {width, height, stride, format, 0, 0}, spec, out);
    }

    /** Y plane plus a separate chroma plane (NV12 / NV21: interleaved UV / VU) or two (I420: U, V). */
    public long preprocessPlanes(ByteBuffer y, int yStride, ByteBuffer plane1, int stride1, ByteBuffer plane2,
                                 int stride2, int width, int height, int format, Spec spec, Buffer out) {
        if (plane1 == null) throw new NullPointerException("plane1");
        return run(y, plane1, plane2, new int[] {width, height, yStride, format, stride1, stride2}, spec, out);
    }

    /**
     * An android.media.Image in YUV_420_888 (planes 0, 1, 2 = Y, U, V): pixel stride 1 is I420;
     * pixel stride 2 is semi-planar and the shim finds NV21 (V first, the usual camera layout) or
     * NV12 from the plane addresses.
     */
    public long preprocessYuv420888(ByteBuffer y, ByteBuffer u, ByteBuffer v, int yRowStride, int uvRowStride,
                                    int uvPixelStride, int width, int height, Spec spec, Buffer out) {
        if (uvPixelStride == 1)
            return run(y, u, v, new int[] {width, height, yRowStride, FORMAT_I420, uvRowStride, uvRowStride}, spec,
                    out);
        if (uvPixelStride == 2)
            return run(y, u, v, new int[] {width, height, yRowStride, FORMAT_SEMIPLANAR_AUTO, uvRowStride, 0}, spec,
                    out);
        throw new IllegalArgumentException("uvPixelStride must be 1 or 2, not " + uvPixelStride);
    }

    private long run(ByteBuffer p0, ByteBuffer p1, ByteBuffer p2, int[] img, Spec spec, Buffer out) {
        long h = live();
        requireDirect(p0, "source");
        if (p1 != null) requireDirect(p1, "plane1");
        if (p2 != null) requireDirect(p2, "plane2");
        requireDirect(out, "out");
        int elem = elementSize(out);
        return nPreprocess(h, p0, p0.position(), p0.remaining(), p1, p1 == null ? 0 : p1.position(),
                p1 == null ? 0 : p1.remaining(), p2, p2 == null ? 0 : p2.position(), p2 == null ? 0 : p2.remaining(),
                img, spec.ints(), spec.floats(), out, (long) out.position() * elem, (long) out.remaining() * elem, elem);
    }

    private static void requireDirect(Buffer b, String what) {
        if (b == null) throw new NullPointerException(what);
        if (!b.isDirect()) throw new IllegalArgumentException(what + " must be a direct buffer");
    }

    private static int elementSize(Buffer b) {
        if (b instanceof ByteBuffer) return 1;
        if (b instanceof java.nio.FloatBuffer || b instanceof java.nio.IntBuffer) return 4;
        if (b instanceof java.nio.ShortBuffer) return 2;
        throw new IllegalArgumentException("out must be a ByteBuffer, FloatBuffer, IntBuffer or ShortBuffer");
    }

    private long live() {
        if (handle == 0) throw new IllegalStateException("valuepix context is closed");
        return handle;
    }

    @Override
    public void close() {
        if (handle != 0) {
            nDestroy(handle);
            handle = 0;
        }
    }

    private static native long nCreate(int abiVersion);
    private static native void nDestroy(long ctx);
    private static native int nAbiVersion();
    private static native String nVersionString();
    private static native String nStatusStr(int status);
    private static native void nSet(long ctx, int option, long value);
    private static native long nGet(long ctx, int option);
    private static native long nQuery(long ctx, int width, int height, int format, int[] spec, float[] fspec);
    private static native long nPreprocess(long ctx, ByteBuffer p0, int off0, int len0, ByteBuffer p1, int off1,
                                           int len1, ByteBuffer p2, int off2, int len2, int[] img, int[] spec,
                                           float[] fspec, Buffer out, long outOff, long outLen, int outElem);
}
