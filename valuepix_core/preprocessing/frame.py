"""Frame: a raw camera frame or pixel buffer the caller owns (pinned public API)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError

# format -> (native vp_format code, bytes per pixel of the first plane)
FORMATS = {
    "RGB": (1, 3), "BGR": (2, 3), "RGBA": (3, 4), "BGRA": (4, 4), "GRAY": (5, 1),
    "NV12": (6, 1), "NV21": (7, 1), "I420": (8, 1),
}
YUV_FORMATS = ("NV12", "NV21", "I420")
_INT32_MAX = 2**31 - 1  # the C API's int32 fields


def frame_bytes(width: int, height: int, fmt: str, stride: int) -> int:
    """Bytes a frame spans (contiguous plane convention of native/include/valuepix.h)."""
    bpp = FORMATS[fmt][1]
    if fmt not in YUV_FORMATS:
        return stride * (height - 1) + width * bpp
    ch, cw = (height + 1) // 2, (width + 1) // 2
    if fmt == "I420":
        s1 = (stride + 1) // 2
        return stride * height + s1 * ch + s1 * (ch - 1) + cw
    s1 = (stride + 1) & ~1
    return stride * height + s1 * (ch - 1) + 2 * cw


@dataclass(frozen=True)
class Frame:
    """A pixel buffer: ``data`` (bytes-like or numpy uint8), ``width`` x ``height``, ``format`` one of
    RGB, BGR, RGBA, BGRA, GRAY, NV12, NV21, I420, and the first plane's row ``stride`` in bytes
    (None: tightly packed). YUV chroma planes follow the Y plane (Android NV21 / iOS layouts)."""

    data: Any
    width: int
    height: int
    format: str
    stride: int | None = None

    def __post_init__(self):
        if self.format not in FORMATS:
            raise InvalidArgumentError(f"Frame format must be one of {sorted(FORMATS)}, got {self.format!r}")
        for name in ("width", "height"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 1 <= v <= _INT32_MAX:
                raise InvalidArgumentError(f"Frame {name} must be a positive int32, got {v!r}")
        bpp = FORMATS[self.format][1]
        if self.stride is not None and (not isinstance(self.stride, (int, np.integer)) or isinstance(self.stride, bool)
                                        or not self.width * bpp <= self.stride <= _INT32_MAX):
            raise InvalidArgumentError(
                f"Frame stride {self.stride!r} must be an int >= width * {bpp} = {self.width * bpp}")

    @property
    def row_stride(self) -> int:
        return int(self.stride) if self.stride is not None else int(self.width) * FORMATS[self.format][1]

    def buffer(self) -> np.ndarray:
        """The data as a 1-D uint8 array (no copy), checked to be large enough."""
        data = self.data
        if isinstance(data, np.ndarray):
            if data.dtype != np.uint8:
                raise InvalidArgumentError(f"Frame data must be uint8, got {data.dtype}")
            if not data.flags.c_contiguous:
                raise InvalidArgumentError("Frame data array must be C-contiguous (use np.ascontiguousarray)")
            arr = data.reshape(-1)
        else:
            try:
                arr = np.frombuffer(data, dtype=np.uint8)
            except TypeError as exc:
                raise InvalidArgumentError(f"Frame data must be bytes-like or a numpy array, got {type(data).__name__}") from exc
        need = frame_bytes(int(self.width), int(self.height), self.format, self.row_stride)
        if arr.size < need:
            raise InvalidArgumentError(
                f"{self.format} frame {self.width}x{self.height} (stride {self.row_stride}) needs {need} bytes, got {arr.size}")
        return arr
