"""Photo augmentations that mimic a second snapshot of the same item (used by the retrieval /
open-set evaluation and by :mod:`valuepix_core.catalog.calibrate`).  In memory only: nothing is
written to disk, and the JPEG carries no EXIF.

One view = random crop keeping 70–90 % of each side, rotation ±15°, brightness and contrast
jitter (×0.75–1.25), JPEG re-encode at quality 60.
"""
from __future__ import annotations

import io
from typing import Union

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

CROP = (0.70, 0.90)
ROTATION_DEG = 15.0
JITTER = (0.75, 1.25)
JPEG_QUALITY = 60

Source = Union[str, bytes, "Image.Image"]


def _open(src) -> Image.Image:
    if isinstance(src, Image.Image):
        im = src
    elif isinstance(src, (bytes, bytearray, memoryview)):
        im = Image.open(io.BytesIO(bytes(src)))
    else:
        im = Image.open(src)
    im = ImageOps.exif_transpose(im)
    return im.convert("RGB")


def augmented_view(src: Source, rng: np.random.Generator | int) -> bytes:
    """One augmented JPEG (bytes) of ``src`` (a path, bytes or PIL image)."""
    rng = np.random.default_rng(rng)
    im = _open(src)
    w, h = im.size
    angle = float(rng.uniform(-ROTATION_DEG, ROTATION_DEG))
    im = im.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=(124, 116, 104))
    frac = float(rng.uniform(*CROP))
    cw, ch = max(1, int(round(w * frac))), max(1, int(round(h * frac)))
    x0 = int(rng.integers(0, w - cw + 1))
    y0 = int(rng.integers(0, h - ch + 1))
    im = im.crop((x0, y0, x0 + cw, y0 + ch))
    im = ImageEnhance.Brightness(im).enhance(float(rng.uniform(*JITTER)))
    im = ImageEnhance.Contrast(im).enhance(float(rng.uniform(*JITTER)))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()
