"""Preprocessing benchmarks (issue 2): ours vs the usual alternatives, side by side in one run.

    python -m pytest benchmarks/bench_preprocess.py --benchmark-enable --benchmark-json=bench-preprocess.json
    python benchmarks/report.py bench-preprocess.json

Everything at one thread (OpenCV's pool set to 1; our native pass is single-threaded). Each case
records the source pixels in extra_info so throughput (Mpx/s) compares across machines.
"""
from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

import valuepix_core as vp

cv2.setNumThreads(1)
SPEC = vp.PreprocessSpec()  # 224x224, shorter side 256, (x-127)/128, NCHW float32
MEAN = np.float32(127.0)
INV_STD = np.float32(1.0 / 128.0)
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "imagenet-sample"


def _photo() -> np.ndarray:
    files = sorted(EVAL.glob("*.JPEG")) if EVAL.is_dir() else []
    if files:
        return np.asarray(Image.open(files[17]).convert("RGB"))
    rng = np.random.default_rng(0)  # no eval set: a synthetic photo-like image
    yy, xx = np.mgrid[0:375, 0:500]
    base = np.stack([xx % 256, yy % 256, (xx * yy) % 256], axis=2).astype(np.float32)
    return np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)


def _normalise_nchw(rgb: np.ndarray) -> np.ndarray:
    x = (rgb.astype(np.float32) - MEAN) * INV_STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def _centre_crop(a: np.ndarray, size=224) -> np.ndarray:
    h, w = a.shape[:2]
    y0, x0 = (h - size) // 2, (w - size) // 2
    return a[y0:y0 + size, x0:x0 + size]


def _shorter(w, h, s=256):
    return (s, h * s // w) if w <= h else (w * s // h, s)


@pytest.fixture(scope="module")
def phone_jpeg(tmp_path_factory) -> Path:
    """A 12 MP phone JPEG: an eval photo upscaled to 4032x3024 (stored sideways), mild noise so it
    compresses like a real photo, EXIF orientation 6, quality 90."""
    rng = np.random.default_rng(1)
    img = Image.fromarray(_photo()).resize((4032, 3024), Image.BICUBIC)
    arr = np.asarray(img).astype(np.int16) + rng.integers(-6, 7, (3024, 4032, 1), dtype=np.int16)
    stored = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path_factory.mktemp("bench") / "phone_12mp.jpg"
    stored.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


# ---- (a) 12 MP JPEG file -> tensor ------------------------------------------------------------
def naive_pillow(path):
    img = ImageOps.exif_transpose(Image.open(path).convert("RGB"))
    img = img.resize(_shorter(*img.size), Image.BILINEAR)
    return _normalise_nchw(_centre_crop(np.asarray(img)))


def pillow_draft(path):
    img = Image.open(path)
    o = img.getexif().get(0x0112, 1)
    w, h = img.size
    img.draft("RGB", _shorter(h, w) if o >= 5 else _shorter(w, h))
    img = ImageOps.exif_transpose(img.convert("RGB"))
    img = img.resize(_shorter(*img.size), Image.BILINEAR)
    return _normalise_nchw(_centre_crop(np.asarray(img)))


def opencv_reduced(path):
    bgr = cv2.imread(str(path), cv2.IMREAD_REDUCED_COLOR_8)  # applies EXIF orientation itself
    h, w = bgr.shape[:2]
    bgr = cv2.resize(bgr, _shorter(w, h), interpolation=cv2.INTER_AREA)
    return _normalise_nchw(cv2.cvtColor(_centre_crop(bgr), cv2.COLOR_BGR2RGB))


def bare_scaled_decode(path):
    img = Image.open(path)
    w, h = img.size
    img.draft("RGB", (h * 256 // w, 256))
    img.load()
    return img


@pytest.mark.parametrize("impl", ["valuepix", "naive_pillow", "pillow_draft", "opencv_reduced", "bare_scaled_decode"])
def test_a_jpeg_12mp(benchmark, phone_jpeg, impl):
    fn = {"valuepix": lambda p: vp.preprocess(p), "naive_pillow": naive_pillow, "pillow_draft": pillow_draft,
          "opencv_reduced": opencv_reduced, "bare_scaled_decode": bare_scaled_decode}[impl]
    benchmark.group = "a: 12MP JPEG file -> 224 tensor"
    benchmark.extra_info.update(pixels=4032 * 3024, impl=impl)
    out = benchmark(fn, phone_jpeg)
    if impl != "bare_scaled_decode":
        assert np.asarray(out).shape == (1, 3, 224, 224)


# ---- (b) 1920x1080 RGB frame, (c) NV21 frame, (d) 504x378 RGB ----------------------------------
@pytest.fixture(scope="module")
def frames():
    rgb = np.ascontiguousarray(np.asarray(Image.fromarray(_photo()).resize((1920, 1080), Image.BICUBIC)))
    yuv_i420 = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)  # Y, U, V planes
    y = yuv_i420[:1080]
    u = yuv_i420[1080:1080 + 270].reshape(540, 960)
    v = yuv_i420[1080 + 270:].reshape(540, 960)
    nv21 = np.concatenate([y.ravel(), np.stack([v, u], axis=2).ravel()])
    small = np.ascontiguousarray(np.asarray(Image.fromarray(_photo()).resize((504, 378), Image.BICUBIC)))
    return rgb, nv21, small


def opencv_rgb(rgb):
    h, w = rgb.shape[:2]
    return _normalise_nchw(_centre_crop(cv2.resize(rgb, _shorter(w, h), interpolation=cv2.INTER_AREA)))


def opencv_nv21(nv21):
    rgb = cv2.cvtColor(nv21.reshape(1080 * 3 // 2, 1920), cv2.COLOR_YUV2RGB_NV21)
    return opencv_rgb(rgb)


def pillow_small(arr):
    img = Image.fromarray(arr)
    img = img.resize(_shorter(*img.size), Image.BILINEAR)
    return _normalise_nchw(_centre_crop(np.asarray(img)))


@pytest.mark.parametrize("impl", ["valuepix", "valuepix_cffi", "opencv"])
def test_b_rgb_frame_1080p(benchmark, frames, impl):
    rgb = frames[0]
    out = np.empty(SPEC.shape, np.float32)
    fn = {"valuepix": lambda: vp.preprocess(rgb, SPEC, out=out),
          "valuepix_cffi": lambda: vp.preprocess(rgb, SPEC, out=out, backend="cffi"),
          "opencv": lambda: opencv_rgb(rgb)}[impl]
    benchmark.group = "b: 1920x1080 RGB frame -> 224 tensor"
    benchmark.extra_info.update(pixels=1920 * 1080, impl=impl)
    assert benchmark(fn).shape == (1, 3, 224, 224)


@pytest.mark.parametrize("impl", ["valuepix", "opencv"])
def test_c_nv21_frame_1080p(benchmark, frames, impl):
    nv21 = frames[1]
    frame = vp.Frame(nv21, 1920, 1080, "NV21")
    out = np.empty(SPEC.shape, np.float32)
    fn = {"valuepix": lambda: vp.preprocess(frame, SPEC, out=out), "opencv": lambda: opencv_nv21(nv21)}[impl]
    benchmark.group = "c: 1920x1080 NV21 frame -> 224 tensor"
    benchmark.extra_info.update(pixels=1920 * 1080, impl=impl)
    assert benchmark(fn).shape == (1, 3, 224, 224)


@pytest.mark.parametrize("impl", ["valuepix", "pillow", "opencv"])
def test_d_rgb_504x378(benchmark, frames, impl):
    small = frames[2]
    out = np.empty(SPEC.shape, np.float32)
    fn = {"valuepix": lambda: vp.preprocess(small, SPEC, out=out), "pillow": lambda: pillow_small(small),
          "opencv": lambda: opencv_rgb(small)}[impl]
    benchmark.group = "d: 504x378 RGB -> 224 tensor"
    benchmark.extra_info.update(pixels=504 * 378, impl=impl)
    assert benchmark(fn).shape == (1, 3, 224, 224)
