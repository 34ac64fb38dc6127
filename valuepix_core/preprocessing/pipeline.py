"""preprocess(): any image source -> the tensor a PreprocessSpec asks for (pinned public API)."""
from __future__ import annotations

import numpy as np
from ..errors import ImageTooLargeError, InvalidArgumentError
from .decode import DEFAULT_MAX_PIXELS, Decoded, array_pixels, decode
from .frame import FORMATS, Frame
from .native import get_backend
from .spec import PreprocessSpec

_DEFAULT_SPEC = PreprocessSpec()
_INT32_MAX = 2**31 - 1  # the C API's int32 fields
_INT64_MAX = 2**63 - 1


def _check_roi(roi):
    if roi is None:
        return None
    try:
        x, y, w, h = (int(v) for v in roi)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"roi must be (x, y, width, height), got {roi!r}") from exc
    if w < 1 or h < 1 or x < 0 or y < 0 or max(x, y, w, h) > _INT32_MAX:
        raise InvalidArgumentError(f"roi must have 0 <= x, y and 1 <= width, height, all int32, got {roi!r}")
    return (x, y, w, h)


def needed_decode_size(spec: PreprocessSpec, roi=None):
    """For decode(): the stored-orientation size a JPEG may be DCT-scaled down to (None: full)."""
    if roi is not None:
        return None  # ROI coordinates refer to the full-resolution image

    def need(w: int, h: int, orientation: int):
        transposed = orientation >= 5
        dw, dh = (h, w) if transposed else (w, h)
        rx, ry = spec.resized_size(dw, dh)
        return (ry, rx) if transposed else (rx, ry)

    return need


def to_pixels(source, spec: PreprocessSpec, roi=None, max_pixels: int = DEFAULT_MAX_PIXELS):
    """(buffer, width, height, stride, format name, orientation) for the native pass."""
    if isinstance(source, Frame):
        return source.buffer(), int(source.width), int(source.height), source.row_stride, source.format, 1
    if isinstance(source, np.ndarray):
        arr, fmt, stride = array_pixels(source)
        if arr.shape[0] * arr.shape[1] > max_pixels:
            raise ImageTooLargeError(f"{arr.shape[1]}x{arr.shape[0]} exceeds the limit of {max_pixels} pixels")
        return arr, arr.shape[1], arr.shape[0], stride, fmt, 1
    dec: Decoded = decode(source, needed_decode_size(spec, roi), max_pixels)
    px = dec.pixels
    fmt = "GRAY" if px.ndim == 2 else "RGB"
    return px, px.shape[1], px.shape[0], px.strides[0], fmt, dec.orientation


def preprocess(source, spec: PreprocessSpec = _DEFAULT_SPEC, *, roi=None, orientation: int | None = None,
               out: np.ndarray | None = None, backend: str | None = None,
               max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Turn ``source`` into the tensor ``spec`` describes, shape ``spec.shape`` (batch of one).

    source: a path, bytes, file object, PIL image, HxWxC (or HxW) uint8 array, or a Frame.
    roi: (x, y, width, height) in the upright (EXIF-applied) image. orientation: override the
    EXIF orientation (1..8; arrays and Frames default to 1, files to their EXIF tag).
    out: a C-contiguous array of spec.shape and dtype to write into (no allocation).
    backend: "pybind11" (default) or "cffi" — the same C core through either binding.
    """
    if not isinstance(spec, PreprocessSpec):
        raise InvalidArgumentError(f"spec must be a PreprocessSpec, got {type(spec).__name__}")
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or not 1 <= max_pixels <= _INT64_MAX:
        raise InvalidArgumentError("max_pixels must be a positive int64")
    roi = _check_roi(roi)
    buf, width, height, stride, fmt, exif_o = to_pixels(source, spec, roi, max_pixels)
    if orientation is not None:
        if isinstance(orientation, bool) or not isinstance(orientation, int) or not 1 <= orientation <= 8:
            raise InvalidArgumentError(f"orientation must be an EXIF value 1..8, got {orientation!r}")
        exif_o = orientation
    if out is None:
        out = np.empty(spec.shape, dtype=spec.dtype)
    elif (not isinstance(out, np.ndarray) or out.shape != spec.shape or out.dtype != np.dtype(spec.dtype)
          or not out.flags.c_contiguous or not out.flags.writeable):
        raise InvalidArgumentError(
            f"out must be a writable C-contiguous {spec.dtype} array of shape {spec.shape}")
    get_backend(backend).run(buf, width, height, stride, FORMATS[fmt][0], spec.native_tuple(exif_o, roi), out,
                             max_pixels)
    return out
