package com.valuepix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Host-JVM test of the JNI shim: known answers on direct buffers (the Android path), every plane
 * layout of a camera frame, and the error paths. Plain main: exits 1 on any failure.
 */
public final class NativeTest {
    private static int checks, failures;

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.err.println("FAIL: " + what);
        }
    }

    private interface Body { void run(); }

    private static void expectVp(int status, String msgPart, Body body, String what) {
        try {
            body.run();
            check(false, what + ": no exception");
        } catch (ValuePixException e) {
            check(e.status == status, what + ": status " + e.status + " != " + status + " (" + e.getMessage() + ")");
            check(msgPart == null || e.getMessage().contains(msgPart),
                    what + ": message '" + e.getMessage() + "' lacks '" + msgPart + "'");
        }
    }

    private static void expectJava(Class<? extends RuntimeException> type, Body body, String what) {
        try {
            body.run();
            check(false, what + ": no exception");
        } catch (RuntimeException e) {
            check(type.isInstance(e), what + ": got " + e);
        }
    }

    /** BT.601 limited range, integer formula of valuepix.h / OpenCV, written independently. */
    private static int[] yuvToRgb(int y, int u, int v) {
        long yy = Math.max(y - 16, 0) * 1220542L + (1 << 19);
        u -= 128;
        v -= 128;
        return new int[] {sat((yy + 1673527L * v) >> 20), sat((yy - 852492L * v - 409993L * u) >> 20),
                sat((yy + 2116026L * u) >> 20)};
    }

    private static int sat(long x) { return (int) Math.max(0, Math.min(255, x)); }

    /** contiguous NV21: Y plane then interleaved V,U rows (tight strides) */
    private static ByteBuffer solidNv21(int w, int h, int y, int u, int v) {
        int cw = (w + 1) / 2, ch = (h + 1) / 2;
        ByteBuffer b = ByteBuffer.allocateDirect(w * h + 2 * cw * ch);
        for (int i = 0; i < w * h; i++) b.put((byte) y);
        for (int i = 0; i < cw * ch; i++) b.put((byte) v).put((byte) u);
        b.flip();
        return b;
    }

    private static Native.Spec stretch(int w, int h) {
        Native.Spec s = new Native.Spec();
        s.resize = Native.RESIZE_STRETCH;
        s.outWidth = w;
        s.outHeight = h;
        return s;
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    public static void main(String[] args) {
        check(Native.abiVersion() == Native.ABI_VERSION, "abi version");
        check("0.1.0".equals(Native.versionString()), "version string " + Native.versionString());
        check(Native.statusString(Native.STATUS_BUFFER_TOO_SMALL).equals("buffer too small"), "status string");

        // the literal known answer for the frame below, and the independent formula agree
        final int Y = 81, U = 90, V = 240, W = 64, H = 48;
        final int[] rgb = yuvToRgb(Y, U, V);
        check(Arrays.equals(rgb, new int[] {254, 0, 0}), "formula: Y81 U90 V240 is red " + Arrays.toString(rgb));

        try (Native vp = new Native()) {
            check(vp.get(Native.OPT_SIMD) >= Native.SIMD_SCALAR, "simd level readable");
            System.err.println("simd level on this JVM's host: " + vp.get(Native.OPT_SIMD));

            // 1. solid NV21 frame -> float32 NCHW, (x - 127) / 128, 2x area shrink: exact
            ByteBuffer nv21 = solidNv21(W, H, Y, U, V);
            Native.Spec s = stretch(W / 2, H / 2);
            int n = 3 * (W / 2) * (H / 2);
            check(vp.outputBytes(W, H, Native.FORMAT_NV21, s) == 4L * n, "outputBytes");
            FloatBuffer f = floats(n);
            check(vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, s, f) == 4L * n, "bytes written");
            int bad = 0;
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < n / 3; i++)
                    if (f.get(c * (n / 3) + i) != (rgb[c] - 127f) / 128f) bad++;
            check(bad == 0, "solid NV21 -> normalised NCHW: " + bad + " wrong values");
            check(nv21.position() == 0 && f.position() == 0, "buffer positions untouched");

            // 2. default spec (shorter side 256, centre crop 224, bilinear upscale): within 1e-5
            Native.Spec d = new Native.Spec();
            FloatBuffer fd = floats(3 * 224 * 224);
            vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, d, fd);
            double worst = 0;
            for (int i = 0; i < 3 * 224 * 224; i++)
                worst = Math.max(worst, Math.abs(fd.get(i) - (rgb[i / (224 * 224)] - 127f) / 128f));
            check(worst < 1e-5, "default spec on a solid frame, worst error " + worst);

            // 3. uint8 NHWC raw pixels, written from the out buffer's position (8 bytes in)
            Native.Spec u8 = stretch(W, H);
            u8.dtype = Native.DTYPE_UINT8;
            u8.layout = Native.LAYOUT_NHWC;
            ByteBuffer ob = ByteBuffer.allocateDirect(8 + 3 * W * H);
            for (int i = 0; i < 8; i++) ob.put((byte) 0x5A);
            vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, u8, ob);
            bad = 0;
            for (int i = 0; i < 8; i++) if (ob.get(i) != 0x5A) bad++;
            for (int i = 0; i < W * H; i++)
                for (int c = 0; c < 3; c++) if ((ob.get(8 + 3 * i + c) & 0xFF) != rgb[c]) bad++;
            check(bad == 0, "uint8 NHWC at an offset: " + bad + " wrong bytes");
            byte[] ref = bytes(ob.position(8));

            // 4. the same frame as separate planes and as an android.media.Image YUV_420_888
            ByteBuffer yPlane = nv21.duplicate().limit(W * H).slice();
            ByteBuffer vu = nv21.duplicate().position(W * H).slice();
            ByteBuffer o2 = ByteBuffer.allocateDirect(3 * W * H);
            vp.preprocessPlanes(yPlane, W, vu, W, null, 0, W, H, Native.FORMAT_NV21, u8, o2);
            check(Arrays.equals(bytes(o2), ref), "NV21 as Y + VU planes");
            // Android: plane 2 (V) starts at VU, plane 1 (U) one byte later and one byte shorter
            ByteBuffer vP = vu.duplicate().limit(vu.capacity() - 1).slice();
            ByteBuffer uP = vu.duplicate().position(1).slice();
            ByteBuffer o3 = ByteBuffer.allocateDirect(3 * W * H);
            vp.preprocessYuv420888(yPlane, uP, vP, W, W, 2, W, H, u8, o3);
            check(Arrays.equals(bytes(o3), ref), "YUV_420_888 pixel stride 2 (NV21 order)");
            // pixel stride 1: I420 planes
            ByteBuffer uI = ByteBuffer.allocateDirect(W / 2 * H / 2), vI = ByteBuffer.allocateDirect(W / 2 * H / 2);
            for (int i = 0; i < W / 2 * H / 2; i++) { uI.put(i, (byte) U); vI.put(i, (byte) V); }
            ByteBuffer o4 = ByteBuffer.allocateDirect(3 * W * H);
            vp.preprocessYuv420888(yPlane, uI, vI, W, W / 2, 1, W, H, u8, o4);
            check(Arrays.equals(bytes(o4), ref), "YUV_420_888 pixel stride 1 (I420)");
            expectVp(Native.STATUS_UNSUPPORTED_FORMAT, "interleaved",
                    () -> vp.preprocessYuv420888(yPlane, uI, vI, W, W / 2, 2, W, H, u8, o4), "stride 2, apart planes");

            // 5. bilinear known answer: gray [0, 100] -> [0, 25, 75, 100]
            ByteBuffer g = ByteBuffer.allocateDirect(2).put(0, (byte) 0).put(1, (byte) 100);
            Native.Spec gs = stretch(4, 1);
            gs.channels = Native.CHANNELS_GRAY;
            gs.mean = new float[] {0f, 0f, 0f};
            gs.std = new float[] {1f, 1f, 1f};
            FloatBuffer go = floats(4);
            vp.preprocess(g, 2, 1, 0, Native.FORMAT_GRAY8, gs, go);
            float[] ga = new float[4];
            go.get(ga);
            check(Arrays.equals(ga, new float[] {0f, 25f, 75f, 100f}), "bilinear 2 -> 4: " + Arrays.toString(ga));

            // 6. random frame: SIMD level in use == scalar, byte for byte
            Random r = new Random(7);
            int rw = 97, rh = 61;
            ByteBuffer rf = ByteBuffer.allocateDirect(rw * rh + 2 * 49 * 31);
            for (int i = 0; i < rf.capacity(); i++) rf.put(i, (byte) r.nextInt(256));
            Native.Spec rs = stretch(50, 40);
            rs.orientation = 6;
            FloatBuffer fa = floats(3 * 50 * 40), fb = floats(3 * 50 * 40);
            vp.preprocess(rf, rw, rh, 0, Native.FORMAT_NV21, rs, fa);
            vp.set(Native.OPT_SIMD, Native.SIMD_SCALAR);
            check(vp.get(Native.OPT_SIMD) == Native.SIMD_SCALAR, "simd capped to scalar");
            vp.preprocess(rf, rw, rh, 0, Native.FORMAT_NV21, rs, fb);
            check(fa.equals(fb), "SIMD == scalar through JNI");
            vp.set(Native.OPT_SIMD, 99);

            // 7. error paths: status + the context's last error message
            Native.Spec zs = stretch(8, 8);
            zs.std = new float[] {1f, 0f, 1f};
            expectVp(Native.STATUS_INVALID_ARGUMENT, "std", () -> vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, zs,
                    floats(3 * 64)), "std 0");
            expectVp(Native.STATUS_BUFFER_TOO_SMALL, "output buffer",
                    () -> vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, stretch(8, 8), floats(3 * 64 - 1)),
                    "output one float short");
            expectVp(Native.STATUS_INVALID_ARGUMENT, "source buffer",
                    () -> vp.preprocess(nv21.duplicate().limit(nv21.limit() - 1), W, H, 0, Native.FORMAT_NV21,
                            stretch(8, 8), floats(3 * 64)), "source one byte short");
            expectVp(Native.STATUS_INVALID_ARGUMENT, "chroma plane",
                    () -> vp.preprocessPlanes(yPlane, W, vu.duplicate().limit(vu.capacity() - 1), W, null, 0, W, H,
                            Native.FORMAT_NV21, u8, o2), "chroma plane one byte short");
            expectVp(Native.STATUS_UNSUPPORTED_FORMAT, null,
                    () -> vp.preprocess(nv21, 8, 8, 0, 99, stretch(8, 8), floats(3 * 64)), "unknown format");
            vp.set(Native.OPT_MAX_PIXELS, 100);
            expectVp(Native.STATUS_TOO_LARGE, null,
                    () -> vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, stretch(8, 8), floats(3 * 64)), "pixel limit");
            vp.set(Native.OPT_MAX_PIXELS, 1 << 24);
            expectVp(Native.STATUS_INVALID_ARGUMENT, "max_pixels", () -> vp.set(Native.OPT_MAX_PIXELS, 0), "max_pixels 0");
            expectJava(IllegalArgumentException.class,
                    () -> vp.preprocess(ByteBuffer.allocate(W * H * 2), W, H, 0, Native.FORMAT_NV21, stretch(8, 8),
                            floats(3 * 64)), "heap (non-direct) source");
            // still usable after errors
            vp.preprocess(nv21, W, H, 0, Native.FORMAT_NV21, s, f);
            check(f.get(0) == (rgb[0] - 127f) / 128f, "context usable after errors");
        }
        expectVp(Native.STATUS_ABI_MISMATCH, "ABI", () -> new Native(Native.ABI_VERSION + 1).close(), "ABI mismatch");
        Native closed = new Native();
        closed.close();
        closed.close(); // idempotent
        expectJava(IllegalStateException.class, () -> closed.get(Native.OPT_SIMD), "use after close");

        System.out.println("java test: " + (checks - failures) + " passed, " + failures + " failed");
        if (failures != 0) System.exit(1);
    }
}
