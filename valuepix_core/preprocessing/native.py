"""The native backends: the pybind11 module valuepix_core._native (default) and the cffi ABI loader
(valuepix_core.cffi_binding, the exact ABI an app links). Both run the same C core and give
bit-identical output (tests/test_bindings.py). One native context per thread (house rule: no shared
mutable state), created lazily."""
from __future__ import annotations

import os
import threading

import numpy as np

from ..errors import InvalidArgumentError, NativeError, error_from_status


class PybindBackend:
    name = "pybind11"

    def __init__(self):
        from .. import _native  # noqa: PLC0415 - optional compiled module

        self._mod = _native
        self._local = threading.local()

    def _ctx(self):
        ctx = getattr(self._local, "ctx", None)
        if ctx is None:
            ctx = self._local.ctx = self._mod.Context()
        return ctx

    def run(self, buf: np.ndarray, width: int, height: int, stride: int, fmt: int, spec: tuple,
            out: np.ndarray, max_pixels: int | None = None) -> None:
        ctx = self._ctx()
        try:
            if max_pixels is not None:
                ctx.set(1, int(max_pixels))
            ctx.preprocess(buf, width, height, stride, fmt, spec, out)
        except self._mod.NativeStatusError as exc:
            status, message = exc.args[:2]
            raise error_from_status(status, message) from None
        except (TypeError, ValueError, OverflowError, RuntimeError) as exc:
            # argument conversion in the binding (pybind11's cast_error is a RuntimeError)
            raise InvalidArgumentError(f"argument out of range for the native core: {exc}") from None

    def simd_level(self) -> int:
        return int(self._ctx().get(2))


_BACKENDS: dict[str, object] = {}
_LOCK = threading.Lock()


def get_backend(name: str | None = None):
    """``name``: "pybind11", "cffi", or None for $VALUEPIX_BACKEND / the best available."""
    name = name or os.environ.get("VALUEPIX_BACKEND") or "auto"
    with _LOCK:
        if name in _BACKENDS:
            return _BACKENDS[name]
        if name == "auto":
            try:
                backend = PybindBackend()
            except ImportError:
                from ..cffi_binding import CffiBackend

                backend = CffiBackend()
        elif name == "pybind11":
            backend = PybindBackend()
        elif name == "cffi":
            from ..cffi_binding import CffiBackend

            backend = CffiBackend()
        else:
            raise NativeError(f"unknown native backend {name!r} (pybind11 | cffi)")
        _BACKENDS[name] = backend
        return backend
