"""Helpers shared by the reliability tests (bad-input corpora, RSS, subprocess runner); no tests.

Every corpus here is generated deterministically (fixed seeds) from small valid images made with
Pillow, so the tests need no fixture files and can be reproduced byte for byte.
"""
from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / "models" / "efficientnet_lite0"


# ------------------------------------------------------------------------------------------ images
def _valid_image(fmt: str, size=(37, 23), mode="RGB") -> bytes:
    from PIL import Image

    rng = np.random.default_rng(7)
    arr = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    img = Image.fromarray(arr, "RGB")
    if mode != "RGB":
        img = img.convert(mode)
    buf = io.BytesIO()
    kw = {"quality": 80} if fmt == "JPEG" else {}
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(w: int = 60000, h: int = 60000) -> bytes:
    """A PNG whose (valid-CRC) header claims w x h pixels but carries one tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 16))
            + _png_chunk(b"IEND", b""))


def jpeg_bomb(w: int = 65500, h: int = 65500) -> bytes:
    """A real JPEG header (SOF0) rewritten to claim w x h, followed by the small image's scan."""
    data = bytearray(_valid_image("JPEG"))
    i = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, i + 5, h, w)
    return bytes(data)


def gif_bomb() -> bytes:
    data = bytearray(_valid_image("GIF", mode="P"))
    struct.pack_into("<HH", data, 6, 65535, 65535)  # logical screen
    i = data.find(b"\x2c")  # image descriptor
    if i > 0:
        struct.pack_into("<HH", data, i + 5, 65535, 65535)
    return bytes(data)


def jpeg_exif_variants() -> dict[str, bytes]:
    """JPEGs whose EXIF block is odd or broken: orientation 0 / 9 / 65535, a truncated IFD, an IFD
    entry count of 65535 (the pixels are fine: these must decode, orientation treated as 1)."""
    from PIL import Image

    arr = np.random.default_rng(9).integers(0, 256, (23, 37, 3), dtype=np.uint8)
    out = {}
    for o in (0, 9, 65535):
        exif = Image.Exif()
        exif[0x0112] = o
        buf = io.BytesIO()
        Image.fromarray(arr, "RGB").save(buf, "JPEG", exif=exif.tobytes())
        out[f"jpeg-exif-orientation-{o}"] = buf.getvalue()
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = exif.tobytes()
    for name, blob in (("jpeg-exif-truncated", raw[: len(raw) // 2]),
                       ("jpeg-exif-ifd-count-65535", raw[:14] + b"\xff\xff" + raw[16:])):
        buf = io.BytesIO()
        Image.fromarray(arr, "RGB").save(buf, "JPEG", exif=blob)
        out[name] = buf.getvalue()
    return out


def bmp_variants() -> dict[str, bytes]:
    good = bytearray(_valid_image("BMP"))
    out = {}
    for name, (w, h) in {"bmp-huge": (100000, 100000), "bmp-neg-width": (-5, 23),
                         "bmp-zero": (0, 0), "bmp-int-min-height": (37, -2**31)}.items():
        d = bytearray(good)
        struct.pack_into("<ii", d, 18, w, h)
        out[name] = bytes(d)
    d = bytearray(good)
    struct.pack_into("<I", d, 10, 0xFFFFFFF0)  # pixel data offset far past the end
    out["bmp-bad-offset"] = bytes(d)
    d = bytearray(good)
    struct.pack_into("<H", d, 28, 7)  # bits per pixel 7
    out["bmp-bpp7"] = bytes(d)
    return out


IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO")


def image_cases() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, expectation).  Expectations:
      "invalid"  : must raise InvalidImageError (or a subclass)
      "unsupported": must raise UnsupportedFormatError
      "too_large": must raise ImageTooLargeError
      "decodes"  : must give a tensor (broken metadata around good pixels)
      "any"      : either a correct tensor or InvalidImageError (bit flips inside pixel data may
                   still decode; what must never happen is any other exception, a crash or a hang)
    """
    rng = random.Random(20240608)
    cases: dict[str, tuple[bytes, str]] = {}
    for fmt in IMAGE_FORMATS:
        mode = "P" if fmt == "GIF" else "RGB"
        good = _valid_image(fmt, mode=mode)
        n = len(good)
        # truncations: header-only prefixes cannot decode; later cuts may be tolerated by a codec
        for cut in sorted({1, 2, 4, 8, 12, 16, 24, 32, n // 4, n // 2, (3 * n) // 4, n - 1}):
            if 0 < cut < n:
                cases[f"{fmt}-trunc-{cut}"] = (good[:cut], "invalid" if cut <= 8 else "any")
        for k in range(12):  # random bit flips
            d = bytearray(good)
            for _ in range(1 + k % 4):
                pos = rng.randrange(len(d))
                d[pos] ^= 1 << rng.randrange(8)
            cases[f"{fmt}-flip-{k}"] = (bytes(d), "any")
        for k in range(4):  # random byte runs overwritten in the header area
            d = bytearray(good)
            pos = rng.randrange(min(64, len(d) - 8))
            d[pos:pos + 8] = bytes(rng.randrange(256) for _ in range(8))
            cases[f"{fmt}-hdr-{k}"] = (bytes(d), "any")
        cases[f"{fmt}-zero-body"] = (good[:16] + b"\0" * (n - 16), "any")
        cases[f"{fmt}-doubled"] = (good + good, "any")
    # things that are not images at all
    cases["empty"] = (b"", "invalid")
    cases["one-byte"] = (b"\0", "unsupported")
    cases["text"] = (b"hello, this is not an image\n" * 10, "unsupported")
    cases["zeros-4k"] = (b"\0" * 4096, "unsupported")
    for k in range(8):
        cases[f"random-{k}"] = (bytes(rng.randrange(256) for _ in range(rng.randrange(16, 2048))), "unsupported")
    cases["png-magic-only"] = (b"\x89PNG\r\n\x1a\n", "invalid")
    cases["jpeg-soi-eoi"] = (b"\xff\xd8\xff\xd9", "invalid")
    cases["gif-header-only"] = (b"GIF89a", "invalid")
    # decompression bombs / absurd headers
    cases["png-bomb-60000"] = (png_bomb(), "too_large")
    cases["png-2^31-1-wide"] = (png_bomb(2**31 - 1, 1), "too_large")
    cases["png-zero-size"] = (png_bomb(0, 0), "invalid")
    cases["jpeg-bomb-65500"] = (jpeg_bomb(), "too_large")
    cases["gif-bomb-65535"] = (gif_bomb(), "any")
    for name, data in bmp_variants().items():
        cases[name] = (data, "any")
    for name, data in jpeg_exif_variants().items():
        cases[name] = (data, "decodes")
    cases["bmp-huge"] = (cases["bmp-huge"][0], "too_large")
    return cases


def bad_arrays() -> dict[str, tuple[object, str]]:
    """Non-image sources / arrays preprocess() must refuse with InvalidArgumentError."""
    a = np.zeros((8, 8, 3), np.uint8)
    return {
        "float-array": (np.zeros((8, 8, 3), np.float32), "argument"),
        "int16-array": (np.zeros((8, 8, 3), np.int16), "argument"),
        "5-channels": (np.zeros((8, 8, 5), np.uint8), "argument"),
        "4-d": (np.zeros((1, 8, 8, 3), np.uint8), "argument"),
        "1-d": (np.zeros(64, np.uint8), "argument"),
        "zero-height": (np.zeros((0, 8, 3), np.uint8), "argument"),
        "zero-width": (np.zeros((8, 0, 3), np.uint8), "argument"),
        "negative-stride": (a[::-1], "argument"),
        "transposed": (a.transpose(1, 0, 2), "argument"),
        "channel-step": (np.zeros((8, 8, 6), np.uint8)[:, :, ::2], "argument"),
        "none": (None, "argument"),
        "int": (42, "argument"),
        "list": ([[1, 2], [3, 4]], "argument"),
        "missing-file": ("/nonexistent/dir/photo.jpg", "argument"),
    }


# ------------------------------------------------------------------------------------------- audio
def bad_audio() -> dict[str, tuple[object, dict]]:
    """name -> (chunk, DictationOptions overrides); each must raise AudioFormatError (or, for
    non-audio types, InvalidArgumentError, its base)."""
    rng = np.random.default_rng(3)
    loud_f32 = (rng.standard_normal(1600) * 0.3).astype(np.float32)
    return {
        "nan-f32": (np.array([0.0, np.nan, 0.1] * 100, np.float32), {"sample_format": "float32"}),
        "inf-f32": (np.array([0.0, np.inf] * 100, np.float32), {"sample_format": "float32"}),
        "neg-inf-f32": (np.full(320, -np.inf, np.float32), {"sample_format": "float32"}),
        "nan-f32-bytes": (np.full(320, np.nan, np.float32).tobytes(), {"sample_format": "float32"}),
        "f32-array-as-int16": (loud_f32, {}),
        "f64-array": (loud_f32.astype(np.float64), {}),
        "int32-array": (np.zeros(320, np.int32), {}),
        "3-d-array": (np.zeros((4, 4, 4), np.int16), {}),
        "wrong-channels-2d": (np.zeros((100, 3), np.int16), {"channels": 2}),
        "f32-bytes-declared-int16": (loud_f32.tobytes(), {}),
        "str": ("not audio", {}),
        "list": ([1, 2, 3], {}),
        "none": (None, {}),
        "dict": ({"pcm": b"00"}, {}),
    }


# ------------------------------------------------------------------------------------------ models
def fake_model_dir(tmp: Path, *, file_bytes: bytes | None = None, manifest_patch=None,
                   real_file: bool = False) -> Path:
    """A model directory like the shipped one: the real manifest and labels; the int8 model file is
    the real one (``real_file``), the given bytes, or absent (``file_bytes is None``)."""
    tmp.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))
    for key in ("labels",):
        name = manifest["files"][key]["path"]
        (tmp / name).write_bytes((MODEL_DIR / name).read_bytes())
    name = manifest["files"]["int8"]["path"]
    if real_file:
        (tmp / name).write_bytes((MODEL_DIR / name).read_bytes())
    elif file_bytes is not None:
        (tmp / name).write_bytes(file_bytes)
    if manifest_patch is not None:
        manifest_patch(manifest)
    (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp


# ---------------------------------------------------------------------------------------- process
def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/statm (pages -> bytes)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_child(code: str, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (repo + tests on sys.path); a crash shows as a non-zero or
    negative return code, a hang as subprocess.TimeoutExpired."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests"), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=str(REPO))
