"""Decoding every accepted source and format, and every bad input -> the right ValuePixError."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import valuepix_core as vp
from valuepix_core.errors import error_from_status
from valuepix_core.preprocessing.frame import Frame
from valuepix_core.preprocessing.reference import orient, reference_preprocess

PIX = dict(width=32, height=24, resize="stretch", mean=(0, 0, 0), std=(1, 1, 1), layout="NHWC")


def photo(w=160, h=120, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 255 // w, yy * 255 // h, (xx + yy) % 256], axis=2).astype(np.float64)
    return np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)


def encode(arr, fmt, **kw):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, fmt, **kw)
    return buf.getvalue()


def close(a, b, tol_mean=1.0, tol_max=3.0):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    assert d.mean() <= tol_mean and d.max() <= tol_max, (d.mean(), d.max())


# ---------------------------------------------------------------- sources
def test_every_source_kind_gives_the_same_tensor(tmp_path):
    arr = photo()
    png = encode(arr, "PNG")
    path = tmp_path / "x.png"
    path.write_bytes(png)
    spec = vp.PreprocessSpec(**PIX)
    ref = vp.preprocess(arr, spec)
    for src in (str(path), path, png, bytearray(png), memoryview(png), io.BytesIO(png), Image.open(io.BytesIO(png)),
                Frame(arr.tobytes(), 160, 120, "RGB")):
        np.testing.assert_array_equal(vp.preprocess(src, spec), ref)


@pytest.mark.parametrize("fmt,kw", [("PNG", {}), ("WEBP", {"lossless": True}), ("BMP", {}), ("TIFF", {}),
                                    ("GIF", {}), ("JPEG", {"quality": 95})])
def test_formats(fmt, kw):
    arr = photo()
    data = encode(arr, fmt, **kw)
    spec = vp.PreprocessSpec(**PIX)
    got = vp.preprocess(data, spec)
    if fmt in ("JPEG", "GIF"):  # lossy: against the reference on the same decoded pixels, then loosely the original
        close(got, reference_preprocess(data, spec))
        close(got, reference_preprocess(arr, spec), 6.0, 40.0)
    else:
        close(got, reference_preprocess(arr, spec))


def test_alpha_is_composited_on_white():
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:, 10:, 3] = 255  # left half fully transparent
    out = vp.preprocess(encode(rgba, "PNG"), vp.PreprocessSpec(width=20, height=20, resize="stretch",
                                                              mean=(0, 0, 0), std=(1, 1, 1), layout="NHWC"))
    assert np.all(out[0, :, :10] == 255)                    # transparent -> white background
    assert np.all(out[0, :, 10:] == np.array([200, 0, 0]))  # opaque red kept


def test_palette_cmyk_16bit_gray_and_gif_first_frame():
    arr = photo(64, 48)
    spec = vp.PreprocessSpec(**PIX)
    base = vp.preprocess(arr, spec)
    pal = Image.fromarray(arr).quantize(256)
    buf = io.BytesIO(); pal.save(buf, "PNG")
    close(vp.preprocess(buf.getvalue(), spec), base, 12, 80)  # palette quantisation error only
    cmyk = Image.fromarray(arr).convert("CMYK")
    buf = io.BytesIO(); cmyk.save(buf, "TIFF")
    close(vp.preprocess(buf.getvalue(), spec), vp.preprocess(np.asarray(cmyk.convert("RGB")), spec), 0, 0)
    g16 = (arr[..., 0].astype(np.uint16) * 257)
    buf = io.BytesIO(); Image.fromarray(g16).save(buf, "PNG")
    gray = vp.preprocess(np.ascontiguousarray(arr[..., 0]), spec)
    np.testing.assert_array_equal(vp.preprocess(buf.getvalue(), spec), gray)  # 16-bit -> 8-bit exact
    frames = [Image.fromarray(np.full((30, 30, 3), v, np.uint8)) for v in (10, 240)]
    buf = io.BytesIO(); frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    first = vp.preprocess(buf.getvalue(), vp.PreprocessSpec(**PIX))
    assert abs(float(first.mean()) - 10) < 3


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation_is_applied(orientation):
    upright = photo(90, 60, seed=orientation)
    # store the pixels so that applying `orientation` gives back the upright image
    inverse = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}[orientation]
    stored = np.ascontiguousarray(orient(upright, inverse))
    assert np.array_equal(orient(stored, orientation), upright)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(stored, "PNG", exif=exif.tobytes())
    spec = vp.PreprocessSpec(**PIX)
    # same pixels; float summation order differs when the axes are transposed (ulp-level)
    np.testing.assert_allclose(vp.preprocess(data, spec), vp.preprocess(upright, spec), rtol=0, atol=1e-3)


def test_large_jpeg_is_decoded_dct_scaled_and_stays_close():
    big = np.asarray(Image.fromarray(photo(400, 300)).resize((2400, 1800), Image.BILINEAR))
    data = encode(big, "JPEG", quality=92)
    from valuepix_core.preprocessing.decode import decode
    from valuepix_core.preprocessing.pipeline import needed_decode_size

    spec = vp.PreprocessSpec(mean=(0, 0, 0), std=(1, 1, 1))
    dec = decode(data, needed_decode_size(spec))
    assert dec.pixels.shape[:2] == (450, 600)  # 1/4 scale: still >= the 341x256 resize
    full = reference_preprocess(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), spec)
    close(vp.preprocess(data, spec), full, 2.0, 24.0)  # DCT scaling differs from area only in fine detail


# ---------------------------------------------------------------- bad input
def png_header(w, h):
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data,exc", [
    (b"", vp.InvalidImageError),
    (b"hello, this is text and not an image\n" * 3, vp.UnsupportedFormatError),
    (png_header(60000, 60000), vp.ImageTooLargeError),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 50, vp.InvalidImageError),
])
def test_bad_bytes(data, exc):
    with pytest.raises(exc):
        vp.preprocess(data)


def test_truncated_and_corrupt_files(tmp_path):
    good = encode(photo(), "JPEG")
    for cut in (len(good) // 2, 200, 20):
        with pytest.raises(vp.InvalidImageError):
            vp.preprocess(good[:cut])
    png = encode(photo(), "PNG")
    with pytest.raises(vp.InvalidImageError):
        vp.preprocess(png[: len(png) // 2])
    corrupt = bytearray(png)
    corrupt[60:90] = b"\x00" * 30
    with pytest.raises(vp.InvalidImageError):
        vp.preprocess(bytes(corrupt))
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(vp.InvalidImageError):
        vp.preprocess(empty)
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(tmp_path / "missing.jpg")


def test_pixel_limit_for_arrays_and_files():
    arr = np.zeros((100, 100, 3), np.uint8)
    with pytest.raises(vp.ImageTooLargeError):
        vp.preprocess(arr, max_pixels=9999)
    with pytest.raises(vp.ImageTooLargeError):
        vp.preprocess(encode(arr, "PNG"), max_pixels=9999)
    assert vp.preprocess(arr, max_pixels=10000).shape == (1, 3, 224, 224)


@pytest.mark.parametrize("arr", [
    np.zeros((10, 10, 3), np.float32),
    np.zeros((10, 10, 3), np.uint16),
    np.zeros((10, 10, 5), np.uint8),
    np.zeros((2, 10, 10, 3), np.uint8),
    np.zeros((10,), np.uint8),
    np.zeros((0, 10, 3), np.uint8),
    np.zeros((10, 10, 3), np.uint8)[::-1],           # negative row stride
    np.zeros((10, 10, 3), np.uint8)[:, ::-1],        # negative pixel stride
    np.zeros((10, 10, 3), np.uint8).transpose(1, 0, 2),  # transposed
    np.zeros((10, 10, 6), np.uint8)[:, :, ::2],      # non-contiguous channels
])
def test_bad_arrays(arr):
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(arr)


def test_bad_frames_specs_and_buffers():
    with pytest.raises(vp.InvalidArgumentError):
        Frame(b"\x00" * 10, 4, 4, "RGB").buffer()            # too short
    with pytest.raises(vp.InvalidArgumentError):
        Frame(b"\x00" * 100, 4, 4, "YUYV")                   # unknown format
    with pytest.raises(vp.InvalidArgumentError):
        Frame(b"\x00" * 100, 4, 4, "RGB", stride=5)          # stride < row
    with pytest.raises(vp.InvalidArgumentError):
        Frame(np.zeros(100, np.float32), 4, 4, "GRAY").buffer()
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(12345)
    img = np.zeros((8, 8, 3), np.uint8)
    for kw in (dict(width=0), dict(resize="zoom"), dict(layout="CHW"), dict(dtype="float16"), dict(std=(1, 0, 1)),
               dict(mean=(1, 2)), dict(shorter_side=100), dict(channels="YUV"), dict(mean=(np.nan, 0, 0))):
        with pytest.raises(vp.InvalidArgumentError):
            vp.PreprocessSpec(**kw)
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(img, vp.PreprocessSpec(), out=np.empty((1, 3, 224, 223), np.float32))  # too small
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(img, vp.PreprocessSpec(), out=np.empty((1, 3, 224, 224), np.float64))
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(img, orientation=9)
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(img, roi=(0, 0, 9, 8))


def test_status_mapping_is_one_place():
    assert isinstance(error_from_status(1, "x"), vp.InvalidArgumentError)
    assert isinstance(error_from_status(2), vp.UnsupportedFormatError)
    assert isinstance(error_from_status(3), vp.ImageTooLargeError)
    assert isinstance(error_from_status(4), vp.ImageTooLargeError)
    assert isinstance(error_from_status(5), vp.BufferTooSmallError)
    assert isinstance(error_from_status(6), vp.NativeError)
    assert isinstance(error_from_status(999), vp.NativeError)
    assert "VP_ERR_TOO_LARGE: big" == str(error_from_status(3, "big"))
    for cls in (vp.InvalidImageError, vp.InvalidArgumentError, vp.ModelIntegrityError, vp.AudioFormatError,
                vp.CatalogError):
        assert issubclass(cls, vp.ValuePixError)


def test_heic_through_pillow_heif():
    """iPhones write HEIC: decoded through pillow-heif when it is installed (the `heif` extra)."""
    pillow_heif = pytest.importorskip("pillow_heif", reason="pillow-heif not installed (extra 'heif')")
    pillow_heif.register_heif_opener()
    arr = photo(96, 64)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "HEIF", quality=95)
    spec = vp.PreprocessSpec(**PIX)
    got = vp.preprocess(buf.getvalue(), spec)
    close(got, reference_preprocess(arr, spec), 6.0, 60.0)  # lossy codec: against the original pixels
    close(got, reference_preprocess(np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")), spec))


@pytest.mark.parametrize("backend", ["pybind11", "cffi"])
def test_values_that_do_not_fit_the_c_api_are_invalid_arguments(backend):
    arr = np.zeros((10, 10, 3), np.uint8)
    bad = [
        lambda: vp.PreprocessSpec(dtype="uint8", quant_scale=1, quant_zero_point=2**40),
        lambda: vp.PreprocessSpec(quant_zero_point="x"),
        lambda: vp.preprocess(arr, roi=(2**32, 0, 1, 1), backend=backend),
        lambda: vp.preprocess(Frame(bytes(3), 1, 1, "RGB", stride=2**31), backend=backend),
        lambda: vp.preprocess(Frame(bytes(3), 2**31, 1, "RGB"), backend=backend),
        lambda: vp.preprocess(arr, max_pixels=2**64, backend=backend),
    ]
    for make in bad:
        with pytest.raises(vp.InvalidArgumentError):
            make()
