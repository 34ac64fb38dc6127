"""PreprocessSpec: what tensor a model wants (pinned public API), and its native encoding."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import InvalidArgumentError

RESIZE_MODES = {"stretch": 0, "shorter_crop": 1, "letterbox": 2}
INTERPOLATIONS = {"auto": 0, "bilinear": 1, "area": 2}
CHANNELS = {"RGB": 0, "BGR": 1, "GRAY": 2}
LAYOUTS = {"NCHW": 0, "NHWC": 1}
DTYPES = {"float32": 0, "uint8": 1, "int8": 2}


def _triple(name: str, value) -> tuple[float, float, float]:
    try:
        vals = tuple(float(v) for v in value)
    except TypeError:
        vals = (float(value),) * 3
    if len(vals) == 1:
        vals = vals * 3
    if len(vals) != 3 or not all(math.isfinite(v) for v in vals):
        raise InvalidArgumentError(f"{name} must be 3 finite numbers, got {value!r}")
    return vals  # type: ignore[return-value]


@dataclass(frozen=True)
class PreprocessSpec:
    """The tensor a model expects. Defaults are EfficientNet-Lite0's (TFLite convention).

    resize: "shorter_crop" (shorter side -> ``shorter_side``, longer side floor(long*s/short), then a
    centre crop at ((resized - out) // 2)), "stretch", or "letterbox" (fit inside, centred, padded
    with ``pad_value``). Values: float32 -> (x - mean) / std; uint8 / int8 -> raw pixels, or
    quantised with ``quant_scale`` / ``quant_zero_point`` when ``quant_scale`` > 0.
    ``interpolation``: "auto" (area when shrinking, bilinear otherwise — OpenCV semantics).
    """

    width: int = 224
    height: int = 224
    resize: str = "shorter_crop"
    shorter_side: int = 256
    mean: tuple = (127.0, 127.0, 127.0)
    std: tuple = (128.0, 128.0, 128.0)
    layout: str = "NCHW"
    dtype: str = "float32"
    channels: str = "RGB"
    interpolation: str = "auto"
    pad_value: tuple = (0.0, 0.0, 0.0)
    quant_scale: float = 0.0
    quant_zero_point: int = 0
    _native: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("width", "height"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 65536:
                raise InvalidArgumentError(f"{name} must be an int in 1..65536, got {v!r}")
        if isinstance(self.shorter_side, bool) or not isinstance(self.shorter_side, int) or self.shorter_side < 0:
            raise InvalidArgumentError(f"shorter_side must be an int >= 0, got {self.shorter_side!r}")
        for name, table in (("resize", RESIZE_MODES), ("layout", LAYOUTS), ("dtype", DTYPES),
                            ("channels", CHANNELS), ("interpolation", INTERPOLATIONS)):
            if getattr(self, name) not in table:
                raise InvalidArgumentError(f"{name} must be one of {sorted(table)}, got {getattr(self, name)!r}")
        mean, std, pad = _triple("mean", self.mean), _triple("std", self.std), _triple("pad_value", self.pad_value)
        if any(s == 0.0 for s in std):
            raise InvalidArgumentError("std must be non-zero")
        if isinstance(self.quant_scale, bool) or not isinstance(self.quant_scale, (int, float)) or \
                not math.isfinite(float(self.quant_scale)) or self.quant_scale < 0:
            raise InvalidArgumentError(f"quant_scale must be a finite number >= 0, got {self.quant_scale!r}")
        zp = self.quant_zero_point
        if isinstance(zp, bool) or not isinstance(zp, int) or not -(2**31) <= zp < 2**31:
            raise InvalidArgumentError(f"quant_zero_point must be an int32, got {zp!r}")
        if self.resize == "shorter_crop" and self.shorter_side and self.shorter_side < max(self.width, self.height):
            raise InvalidArgumentError(
                f"shorter_side {self.shorter_side} is smaller than the {self.width}x{self.height} crop")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)
        object.__setattr__(self, "pad_value", pad)
        object.__setattr__(self, "_native", (
            self.width, self.height, RESIZE_MODES[self.resize], self.shorter_side,
            INTERPOLATIONS[self.interpolation], 1, 0, 0, 0, 0, CHANNELS[self.channels],
            LAYOUTS[self.layout], DTYPES[self.dtype], mean, std, pad, float(self.quant_scale),
            int(self.quant_zero_point)))

    @property
    def out_channels(self) -> int:
        return 1 if self.channels == "GRAY" else 3

    @property
    def shape(self) -> tuple[int, int, int, int]:
        c, h, w = self.out_channels, self.height, self.width
        return (1, c, h, w) if self.layout == "NCHW" else (1, h, w, c)

    def native_tuple(self, orientation: int = 1, roi: tuple | None = None) -> tuple:
        """The 18-field tuple both native bindings take (same order as vp_spec)."""
        t = list(self._native)
        t[5] = orientation
        if roi is not None:
            t[6:10] = [int(v) for v in roi]
        return tuple(t)

    def resized_size(self, width: int, height: int) -> tuple[int, int]:
        """Size the (oriented) ``width`` x ``height`` image is scaled to before crop / padding.
        Same rules as native/src/vp_preprocess.c geometry()."""
        nw, nh = self.width, self.height
        if self.resize == "stretch":
            return nw, nh
        if self.resize == "shorter_crop":
            s = self.shorter_side
            if s:
                return (s, height * s // width) if width <= height else (width * s // height, s)
            if nw * height >= nh * width:
                return nw, max(nh, height * nw // width)
            return max(nw, width * nh // height), nh
        if nw * height <= nh * width:
            rx, ry = nw, (height * nw * 2 + width) // (2 * width)
        else:
            rx, ry = (width * nh * 2 + height) // (2 * height), nh
        return min(max(rx, 1), nw), min(max(ry, 1), nh)
