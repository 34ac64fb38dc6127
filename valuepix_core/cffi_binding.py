"""cffi ABI-mode loader of the shared libvaluepix, declared from the public header itself.

This is the path a phone app takes (dlopen + the C ABI), so tests that run through it exercise the
exact symbols and struct layouts a mobile build links. Lookup: $VALUEPIX_LIB, the copy installed
in valuepix_core/_lib/, then native/build/ of a source checkout (``make -C native``).
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np

from .errors import InvalidArgumentError, NativeError, error_from_status

_PKG = Path(__file__).resolve().parent


def _find(candidates) -> Path:
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise NativeError("libvaluepix not found (tried: " + ", ".join(str(c) for c in candidates if c) + ")")


def header_path() -> Path:
    return _find([_PKG / "_include" / "valuepix.h", _PKG.parent / "native" / "include" / "valuepix.h"])


def library_path() -> Path:
    return _find([os.environ.get("VALUEPIX_LIB"), _PKG / "_lib" / "libvaluepix.so",
                  _PKG.parent / "native" / "build" / "libvaluepix.so"])


def cdef_from_header(text: str) -> str:
    """The declarations of valuepix.h in a form cffi's cdef accepts: comments, preprocessor
    conditionals and the VP_API export macro removed; integer #defines kept."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            m = re.match(r"#define\s+(VP_[A-Z_]+)\s+(\d+)\s*$", s)
            if m:
                keep.append(f"#define {m.group(1)} {m.group(2)}")
            continue
        if s in ("}", 'extern "C" {'):
            continue
        keep.append(line.replace("VP_API ", ""))
    return "\n".join(keep)


class CffiBackend:
    name = "cffi"

    def __init__(self):
        import cffi  # noqa: PLC0415

        self.ffi = cffi.FFI()
        self.ffi.cdef(cdef_from_header(header_path().read_text()))
        self.lib = self.ffi.dlopen(str(library_path()))
        if self.lib.vp_abi_version() != self.lib.VP_ABI_VERSION:
            raise NativeError("libvaluepix ABI version differs from its header")
        self._local = threading.local()

    def _ctx(self):
        ctx = getattr(self._local, "ctx", None)
        if ctx is None:
            p = self.ffi.new("vp_ctx **")
            st = self.lib.vp_ctx_create(self.lib.VP_ABI_VERSION, p)
            if st != 0:
                raise error_from_status(st, self.ffi.string(self.lib.vp_status_str(st)).decode())
            ctx = self._local.ctx = self.ffi.gc(p[0], self.lib.vp_ctx_destroy)
        return ctx

    def _fail(self, ctx, st):
        return error_from_status(st, self.ffi.string(self.lib.vp_ctx_last_error(ctx)).decode())

    def run(self, buf: np.ndarray, width: int, height: int, stride: int, fmt: int, spec: tuple,
            out: np.ndarray, max_pixels: int | None = None) -> None:
        try:
            self._run(buf, width, height, stride, fmt, spec, out, max_pixels)
        except (OverflowError, TypeError) as exc:  # a value that does not fit a C field
            raise InvalidArgumentError(f"argument out of range for the native core: {exc}") from None

    def _run(self, buf, width, height, stride, fmt, spec, out, max_pixels) -> None:
        ffi, lib = self.ffi, self.lib
        ctx = self._ctx()
        if buf.dtype != np.uint8 or any(s < 0 for s in buf.strides):
            raise InvalidArgumentError("source must be a uint8 array with non-negative strides")
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise InvalidArgumentError("output must be a writable C-contiguous array")
        if max_pixels is not None and lib.vp_ctx_set(ctx, lib.VP_OPT_MAX_PIXELS, int(max_pixels)) != 0:
            raise InvalidArgumentError("max_pixels must be >= 1")
        im = ffi.new("vp_image *")
        # span of the array from its first byte (strides are non-negative)
        span = 0 if buf.size == 0 else 1 + sum((n - 1) * s for n, s in zip(buf.shape, buf.strides))
        im.data = ffi.cast("const uint8_t *", buf.ctypes.data)
        im.width, im.height, im.stride_bytes, im.format = width, height, stride, fmt
        need = ffi.new("size_t *")
        st = lib.vp_image_bytes(im, need)
        if st != 0:
            raise error_from_status(st, "bad image geometry")
        if span < need[0]:
            raise InvalidArgumentError(f"source buffer holds {span} bytes, the image needs {need[0]}")
        sp = ffi.new("vp_spec *")
        lib.vp_spec_init(sp)
        (sp.out_width, sp.out_height, sp.resize, sp.shorter_side, sp.interp, sp.orientation, sp.roi_x,
         sp.roi_y, sp.roi_width, sp.roi_height, sp.channels, sp.layout, sp.dtype, mean, std, pad,
         sp.quant_scale, sp.quant_zero_point) = spec
        sp.mean, sp.std, sp.pad_value = list(mean), list(std), list(pad)
        st = lib.vp_preprocess(ctx, im, sp, ffi.cast("void *", out.ctypes.data), out.nbytes, ffi.NULL, 0)
        if st != 0:
            raise self._fail(ctx, st)

    def simd_level(self) -> int:
        v = self.ffi.new("int64_t *")
        self.lib.vp_ctx_get(self._ctx(), self.lib.VP_OPT_SIMD, v)
        return int(v[0])
