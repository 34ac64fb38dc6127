"""The native fused pass against the numpy/OpenCV reference (valuepix_core.preprocessing.reference).

Tolerance (issue 2): in pixel units (mean 0, std 1), mean |diff| <= 1 and max |diff| <= 3 out of 255.
The reference quantises to uint8 after OpenCV's resize (fixed-point), the native pass does not, so
small differences are expected; a wrong tap, orientation or channel would blow far past these.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core.preprocessing.frame import Frame
from valuepix_core.preprocessing.reference import reference_preprocess

FORMATS = ["RGB", "BGR", "RGBA", "BGRA", "GRAY", "NV12", "NV21", "I420"]
RESIZES = ["shorter_crop", "stretch", "letterbox"]
MEAN_MAX = (1.0, 3.0)


def smooth_image(rng, h, w, c=3):
    """A photo-like image: low-frequency structure plus noise and a few hard edges."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    chans = []
    for k in range(c):
        f = rng.uniform(0.01, 0.2, size=2)
        ph = rng.uniform(0, 6.28, size=2)
        v = 128 + 90 * np.sin(xx * f[0] + ph[0]) * np.cos(yy * f[1] + ph[1])
        v += rng.normal(0, 12, size=(h, w))
        v[(xx // max(1, w // 5) + yy // max(1, h // 4)) % 2 == 0] += 40
        chans.append(v)
    return np.clip(np.stack(chans, axis=2), 0, 255).astype(np.uint8)


def pixel_spec(**kw):
    base = dict(width=48, height=40, resize="stretch", shorter_side=0, mean=(0, 0, 0), std=(1, 1, 1))
    base.update(kw)
    return vp.PreprocessSpec(**base)


def assert_close(a, b, what=""):
    assert a.shape == b.shape, (a.shape, b.shape)
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    assert d.mean() <= MEAN_MAX[0] and d.max() <= MEAN_MAX[1], f"{what}: mean {d.mean():.3f} max {d.max():.3f}"


def make_frame(rng, fmt, w, h):
    """A frame in `fmt` plus the same content as an RGB array is not needed: the reference decodes
    the frame itself with OpenCV's converters."""
    if fmt in ("NV12", "NV21", "I420"):
        y = smooth_image(rng, h, w, 1)[:, :, 0]
        uv = smooth_image(rng, h // 2, w // 2, 2)
        if fmt == "I420":
            data = np.concatenate([y.ravel(), uv[:, :, 0].ravel(), uv[:, :, 1].ravel()])
        else:
            data = np.concatenate([y.ravel(), uv.ravel()])
        return Frame(data, w, h, fmt)
    c = {"RGB": 3, "BGR": 3, "RGBA": 4, "BGRA": 4, "GRAY": 1}[fmt]
    return Frame(smooth_image(rng, h, w, c).ravel(), w, h, fmt)


@pytest.mark.parametrize("fmt,orientation,resize,layout",
                         list(itertools.product(FORMATS, range(1, 9), RESIZES, ["NCHW", "NHWC"])))
def test_every_format_orientation_resize_layout(fmt, orientation, resize, layout):
    rng = np.random.default_rng(hash((fmt, orientation, resize, layout)) & 0xFFFF)
    w, h = 2 * int(rng.integers(20, 90)), 2 * int(rng.integers(20, 90))
    frame = make_frame(rng, fmt, w, h)
    ow, oh = int(rng.integers(8, 64)), int(rng.integers(8, 64))
    spec = pixel_spec(width=ow, height=oh, resize=resize, layout=layout,
                      shorter_side=max(ow, oh) + int(rng.integers(0, 20)) if resize == "shorter_crop" else 0,
                      pad_value=(114, 115, 116))
    got = vp.preprocess(frame, spec, orientation=orientation)
    want = reference_preprocess(frame, spec, orientation=orientation)
    assert_close(got, want, f"{fmt} o{orientation} {resize} {layout}")


@pytest.mark.parametrize("seed", range(40))
def test_random_sizes_odd_widths_and_strided_views(seed):
    rng = np.random.default_rng(seed)
    sizes = [(1, 1), (1, 7), (7, 1), (3, 5)]
    h, w = sizes[seed] if seed < len(sizes) else (int(rng.integers(1, 300)), int(rng.integers(1, 300)))
    c = int(rng.choice([1, 3, 4]))
    big = smooth_image(rng, h + 3, w + int(rng.integers(0, 9)), c)
    view = big[1:1 + h, :w] if c > 1 else big[1:1 + h, :w, 0]  # padded rows: a strided view
    spec = pixel_spec(width=int(rng.integers(1, 80)), height=int(rng.integers(1, 80)),
                      resize=str(rng.choice(RESIZES)), layout=str(rng.choice(["NCHW", "NHWC"])),
                      channels=str(rng.choice(["RGB", "BGR", "GRAY"])))
    o = int(rng.integers(1, 9))
    got = vp.preprocess(view, spec, orientation=o)
    want = reference_preprocess(np.ascontiguousarray(view), spec, orientation=o)
    assert_close(got, want, f"seed {seed}")
    # and the view gives exactly what its contiguous copy gives
    np.testing.assert_array_equal(got, vp.preprocess(np.ascontiguousarray(view), spec, orientation=o))


def test_roi_matches_cropping_first():
    rng = np.random.default_rng(3)
    img = smooth_image(rng, 120, 160)
    spec = pixel_spec(width=30, height=20)
    for o in range(1, 9):
        got = vp.preprocess(img, spec, orientation=o, roi=(10, 7, 60, 50))
        want = reference_preprocess(img, spec, orientation=o, roi=(10, 7, 60, 50))
        assert_close(got, want, f"roi o{o}")


@pytest.mark.parametrize("dtype", ["uint8", "int8"])
def test_integer_outputs(dtype):
    rng = np.random.default_rng(5)
    img = smooth_image(rng, 97, 131)
    raw = pixel_spec(dtype=dtype, width=50, height=37)
    assert_close(vp.preprocess(img, raw), reference_preprocess(img, raw), dtype)
    q = vp.PreprocessSpec(width=50, height=37, resize="stretch", dtype=dtype, quant_scale=0.0078125,
                          quant_zero_point=128 if dtype == "uint8" else 0)
    got, want = vp.preprocess(img, q), reference_preprocess(img, q)
    assert got.dtype == np.dtype(dtype)
    assert_close(got, want, f"quantised {dtype}")  # scale 1/128 on (x-127)/128: one level per pixel unit


def test_default_spec_is_efficientnet_lite0():
    spec = vp.PreprocessSpec()
    assert (spec.width, spec.height, spec.resize, spec.shorter_side) == (224, 224, "shorter_crop", 256)
    assert spec.mean == (127.0,) * 3 and spec.std == (128.0,) * 3
    assert (spec.layout, spec.dtype, spec.channels) == ("NCHW", "float32", "RGB")
    img = np.full((300, 400, 3), 255, np.uint8)
    out = vp.preprocess(img)
    assert out.shape == (1, 3, 224, 224) and out.dtype == np.float32
    np.testing.assert_allclose(out, (255 - 127) / 128, rtol=0, atol=1e-6)


def test_out_buffer_is_written_in_place():
    img = smooth_image(np.random.default_rng(1), 64, 64)
    spec = pixel_spec(width=16, height=16)
    out = np.zeros(spec.shape, np.float32)
    res = vp.preprocess(img, spec, out=out)
    assert res is out and out.any()


def test_real_photos_match_reference(eval_images):
    """Every eval photo with the model's spec; a sample across orientations and resize modes."""
    spec = vp.PreprocessSpec(mean=(0, 0, 0), std=(1, 1, 1))
    for path in eval_images:
        assert_close(vp.preprocess(path, spec), reference_preprocess(path, spec), path.name)
    for i, path in enumerate(eval_images[:24]):
        for o in (1, 3, 6, 8):
            s = pixel_spec(width=160, height=120, resize=RESIZES[i % 3], layout=["NCHW", "NHWC"][i % 2])
            assert_close(vp.preprocess(path, s, orientation=o), reference_preprocess(path, s, orientation=o),
                         f"{path.name} o{o}")
