"""Pure numpy / OpenCV reference of the native pass: slow, obvious, and independent of the C code
(except for the documented geometry rules in PreprocessSpec.resized_size). Tests compare the native
output against it; it is also the fallback when no native library can be loaded."""
from __future__ import annotations

import cv2
import numpy as np

from .frame import Frame
from .pipeline import to_pixels
from .spec import PreprocessSpec

_YUV_TO_RGB = {"NV12": cv2.COLOR_YUV2RGB_NV12, "NV21": cv2.COLOR_YUV2RGB_NV21, "I420": cv2.COLOR_YUV2RGB_I420}


def orient(a: np.ndarray, o: int) -> np.ndarray:
    """Apply EXIF orientation ``o`` to a stored HxW[xC] array (EXIF 2.32 semantics)."""
    if o == 2:
        return a[:, ::-1]
    if o == 3:
        return a[::-1, ::-1]
    if o == 4:
        return a[::-1]
    if o == 5:
        return a.swapaxes(0, 1)
    if o == 6:
        return a.swapaxes(0, 1)[:, ::-1]
    if o == 7:
        return a.swapaxes(0, 1)[::-1, ::-1]
    if o == 8:
        return a.swapaxes(0, 1)[::-1]
    return a


def to_rgb(buf: np.ndarray, width: int, height: int, stride: int, fmt: str) -> np.ndarray:
    """Any frame format -> HxWx3 RGB uint8 (OpenCV conversions; YUV needs even sizes, tight stride)."""
    if fmt in _YUV_TO_RGB:
        yuv = np.ascontiguousarray(buf[: width * height * 3 // 2]).reshape(height * 3 // 2, width)
        return cv2.cvtColor(yuv, _YUV_TO_RGB[fmt])
    c = {"RGB": 3, "BGR": 3, "RGBA": 4, "BGRA": 4, "GRAY": 1}[fmt]
    rows = np.lib.stride_tricks.as_strided(buf, shape=(height, width * c), strides=(stride, 1))
    px = np.array(rows).reshape(height, width, c)
    if fmt == "GRAY":
        return np.repeat(px, 3, axis=2)
    if fmt.startswith("BGR"):
        px = px[:, :, 2::-1]
    return np.ascontiguousarray(px[:, :, :3])


def _resize_axis(img: np.ndarray, size: int, axis: int) -> np.ndarray:
    length = img.shape[axis]
    if length == size:
        return img
    interp = cv2.INTER_AREA if size < length else cv2.INTER_LINEAR
    h, w = img.shape[:2]
    dsize = (size, h) if axis == 1 else (w, size)
    return cv2.resize(img, dsize, interpolation=interp)


def reference_preprocess(source, spec: PreprocessSpec = PreprocessSpec(), *, roi=None,
                         orientation: int | None = None) -> np.ndarray:
    """The same contract as valuepix_core.preprocess (interpolation "auto" only)."""
    buf, w, h, stride, fmt, exif_o = to_pixels(source, spec, roi)
    if isinstance(source, Frame) and source.stride is not None and fmt in _YUV_TO_RGB:
        raise ValueError("reference handles tightly packed YUV only")
    o = orientation or exif_o
    img = orient(to_rgb(buf, w, h, stride, fmt), o).astype(np.uint8)
    if roi is not None:
        x, y, rw, rh = roi
        img = img[y:y + rh, x:x + rw]
    img = np.ascontiguousarray(img)
    ih, iw = img.shape[:2]
    rx, ry = spec.resized_size(iw, ih)
    if rx < iw and ry < ih:  # both shrink: one INTER_AREA call, exactly OpenCV's semantics
        img = cv2.resize(img, (rx, ry), interpolation=cv2.INTER_AREA)
    elif rx >= iw and ry >= ih:
        img = img if (rx, ry) == (iw, ih) else cv2.resize(img, (rx, ry), interpolation=cv2.INTER_LINEAR)
    else:  # mixed: one axis at a time with its own interpolation
        img = _resize_axis(_resize_axis(img, rx, 1), ry, 0)
    x = img.astype(np.float32)
    ow, oh = spec.width, spec.height
    if spec.resize == "letterbox":
        canvas = np.empty((oh, ow, 3), np.float32)
        canvas[:] = np.asarray(spec.pad_value, np.float32)
        y0, x0 = (oh - ry) // 2, (ow - rx) // 2
        canvas[y0:y0 + ry, x0:x0 + rx] = x
        x = canvas
    elif spec.resize == "shorter_crop":
        y0, x0 = (ry - oh) // 2, (rx - ow) // 2
        x = x[y0:y0 + oh, x0:x0 + ow]
    if spec.channels == "GRAY":
        x = (x[..., 0] * 0.299 + x[..., 1] * 0.587 + x[..., 2] * 0.114)[..., None]
    elif spec.channels == "BGR":
        x = x[..., ::-1]
    mean = np.asarray(spec.mean[: x.shape[2]], np.float32)
    std = np.asarray(spec.std[: x.shape[2]], np.float32)
    if spec.dtype == "float32":
        x = (x - mean) / std
    elif spec.quant_scale > 0:
        lo, hi = (0, 255) if spec.dtype == "uint8" else (-128, 127)
        x = np.clip(np.floor((x - mean) / std / spec.quant_scale + spec.quant_zero_point + 0.5), lo, hi)
    else:
        x = np.clip(np.floor(x + 0.5), 0, 255) - (128 if spec.dtype == "int8" else 0)
    if spec.layout == "NCHW":
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x[None]).astype(spec.dtype)
