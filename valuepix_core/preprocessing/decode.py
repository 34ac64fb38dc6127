"""Decoding: any accepted source -> (uint8 pixels, EXIF orientation), with Pillow / libjpeg-turbo.

JPEG is decoded DCT-scaled (Pillow ``draft``) to the smallest scale still at least the size the
resize needs, and its EXIF orientation is read from the header, not applied: the native pass
applies it for free while resizing. Nothing is written to disk.
"""
from __future__ import annotations

import io
import os
import struct
import threading
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from ..errors import ImageTooLargeError, InvalidArgumentError, InvalidImageError, UnsupportedFormatError

# What Pillow's parsers raise on hostile or damaged bytes (fuzzing found IndexError from verify()
# and struct.error from header parsing besides the documented OSError / ValueError / SyntaxError).
# All of them mean "this is not a readable image", never a library bug to propagate.
_PARSE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError, ZeroDivisionError,
                 OverflowError, struct.error)

# Decompression-bomb guard: images above this many pixels are refused before decoding.
DEFAULT_MAX_PIXELS = 100_000_000
# Transparent pixels are composited on this background (product photos are shown on white).
ALPHA_BACKGROUND = (255, 255, 255)
EXIF_ORIENTATION = 0x0112

_heif_lock = threading.Lock()
_heif_state: list[bool] = []


def _register_heif() -> bool:
    """Enable HEIC/HEIF (iPhone photos) when pillow-heif is installed; once per process."""
    with _heif_lock:
        if not _heif_state:
            try:
                from pillow_heif import register_heif_opener  # noqa: PLC0415

                register_heif_opener()
                _heif_state.append(True)
            except ImportError:
                _heif_state.append(False)
        return _heif_state[0]


@dataclass(frozen=True)
class Decoded:
    pixels: np.ndarray  # HxWx3 RGB or HxW gray, uint8, C-contiguous
    orientation: int    # EXIF 1..8 still to apply (1 once applied)
    source_size: tuple  # (width, height) as stored, before DCT scaling
    format: str         # Pillow format name ("JPEG", "PNG", ...) or "array"


def _orientation(img: Image.Image) -> int:
    try:
        o = int(img.getexif().get(EXIF_ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - a broken EXIF block must not make the photo unreadable
        return 1
    return o if 1 <= o <= 8 else 1


def _to_8bit(img: Image.Image) -> Image.Image:
    """Any Pillow mode -> "RGB" or "L" (alpha composited on ALPHA_BACKGROUND)."""
    mode = img.mode
    if mode in ("RGB", "L"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        mode = img.mode
        if mode == "RGB":
            return img
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        a = np.asarray(img)
        if mode.startswith("I;16"):
            a = (a.astype(np.uint32) + 128) // 257  # 16-bit -> 8-bit, rounded
        elif mode == "I":
            a = np.clip(a, 0, 65535)
            a = (a.astype(np.int64) + 128) // 257 if a.max(initial=0) > 255 else a
        else:
            a = np.clip(np.nan_to_num(a), 0, 255)
        return Image.fromarray(np.ascontiguousarray(a, dtype=np.uint8), "L")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        bg = Image.new("RGB", rgba.size, ALPHA_BACKGROUND)
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    if mode in ("RGBX", "CMYK", "YCbCr", "LAB", "HSV", "I;16S"):
        return img.convert("RGB")
    try:
        return img.convert("RGB")
    except (ValueError, OSError) as exc:
        raise UnsupportedFormatError(f"cannot convert image mode {mode!r} to RGB") from exc


def _open(source) -> Image.Image:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise InvalidImageError("empty image data (0 bytes)")
        fp = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            if os.path.getsize(source) == 0:
                raise InvalidImageError(f"empty image file: {source}")
        except FileNotFoundError as exc:
            raise InvalidArgumentError(f"no such image file: {source}") from exc
        fp = source
    elif hasattr(source, "read"):
        fp = source
    else:
        raise InvalidArgumentError(
            f"cannot read an image from {type(source).__name__}: pass a path, bytes, file object, PIL image, "
            "HxWxC uint8 array or valuepix_core.Frame")
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(fp)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(str(exc)) from exc
    except UnidentifiedImageError as exc:  # (its text names the stream object: not for callers)
        raise UnsupportedFormatError("not a supported image format (JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC)") from exc
    except _PARSE_ERRORS as exc:
        raise InvalidImageError(f"unreadable image: {exc}") from exc


def decode(source, need_size=None, max_pixels: int = DEFAULT_MAX_PIXELS) -> Decoded:
    """Decode a path / bytes / file object / PIL image.

    ``need_size(width, height, orientation) -> (w, h) or None``: the smallest stored-orientation
    size the caller will resample from; a JPEG is DCT-scaled down to no less than that.
    """
    if isinstance(source, Image.Image):
        img, own = source, False
    else:
        img, own = _open(source), True
    try:
        w, h = img.size
        if w < 1 or h < 1:
            raise InvalidImageError(f"image has no pixels ({w}x{h})")
        if w * h > max_pixels:
            raise ImageTooLargeError(f"{w}x{h} = {w * h} pixels exceeds the limit of {max_pixels}")
        orientation = _orientation(img)
        fmt = img.format or "image"
        if own and fmt == "PNG":
            _verify_png(source)
        if own and fmt == "JPEG" and need_size is not None:
            want = need_size(w, h, orientation)
            if want is not None and img.mode in ("RGB", "L", "YCbCr", "CMYK"):
                img.draft("RGB" if img.mode != "L" else "L", (max(1, want[0]), max(1, want[1])))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img.load()
                if getattr(img, "n_frames", 1) > 1:
                    img.seek(0)  # animated GIF / multi-page TIFF: the first frame
                out = _to_8bit(img)
                pixels = np.asarray(out)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLargeError(str(exc)) from exc
        except _PARSE_ERRORS as exc:
            raise InvalidImageError(f"corrupt or truncated image: {exc}") from exc
        if not pixels.flags.c_contiguous:
            pixels = np.ascontiguousarray(pixels)
        return Decoded(pixels, orientation, (w, h), fmt)
    finally:
        if own:
            img.close()


def _verify_png(source) -> None:
    """PNG chunks carry CRCs that Pillow's decoder does not check, so a corrupted IDAT can decode to
    silent garbage; Pillow's verify() checks them (a read of the compressed bytes, no decode)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        fp = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)):
        fp = open(source, "rb")  # noqa: SIM115 - closed below
    elif hasattr(source, "seek") and hasattr(source, "tell"):
        pos = source.tell()
        try:
            source.seek(0)
            with Image.open(source) as probe:
                probe.verify()
        except _PARSE_ERRORS as exc:
            raise InvalidImageError(f"corrupt PNG: {exc}") from exc
        finally:
            source.seek(pos)
        return
    else:
        return
    try:
        with fp, Image.open(fp) as probe:
            probe.verify()
    except _PARSE_ERRORS as exc:
        raise InvalidImageError(f"corrupt PNG: {exc}") from exc


def array_pixels(arr: np.ndarray) -> tuple[np.ndarray, str, int]:
    """An HxWxC / HxW uint8 array -> (array, frame format, row stride in bytes), no copy.

    Stated strided-input rule: rows may be padded or views with a positive row stride, but the
    pixels of a row must be contiguous (channel stride 1, pixel stride C); anything else (negative
    or transposed strides) is refused — pass ``np.ascontiguousarray(a)``.
    """
    if not isinstance(arr, np.ndarray):
        raise InvalidArgumentError(f"expected a numpy array, got {type(arr).__name__}")
    if arr.dtype != np.uint8:
        raise InvalidArgumentError(f"image arrays must be uint8, got {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        fmt, c = "GRAY", 1
    elif arr.ndim == 3 and arr.shape[2] in (3, 4):
        c = arr.shape[2]
        fmt = "RGB" if c == 3 else "RGBA"
    else:
        raise InvalidArgumentError(f"image arrays must be HxW or HxWx{{1,3,4}}, got shape {arr.shape}")
    h, w = arr.shape[:2]
    if h < 1 or w < 1:
        raise InvalidArgumentError(f"image array has no pixels: shape {arr.shape}")
    if arr.strides[0] < 0 or arr.strides[1] < 0:
        raise InvalidArgumentError("negative strides are not accepted (use np.ascontiguousarray)")
    if arr.strides[1] != c or (arr.ndim == 3 and arr.strides[2] != 1):
        raise InvalidArgumentError(
            f"pixels of a row must be contiguous (strides {arr.strides}); use np.ascontiguousarray")
    if h > 1 and arr.strides[0] < w * c:
        raise InvalidArgumentError(f"row stride {arr.strides[0]} < row size {w * c}")
    return arr, fmt, int(arr.strides[0]) if h > 1 else w * c
