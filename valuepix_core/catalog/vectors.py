"""Embedding validation and compact storage encodings (float16, or int8 with a per-vector scale).

The store keeps every reference embedding as a blob in one of two encodings:

* ``"f16"`` — IEEE half precision, 2 bytes/dim; cosine error ~1e-4, the default.
* ``"i8"``  — symmetric int8 with one float32 scale per vector (``v ≈ q * scale``), 1 byte/dim.

Everything handed to the index is float32 and L2-normalised.
"""
from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

ENCODINGS = ("f16", "i8")


def as_embedding_matrix(x, dim: int | None = None, *, what: str = "embedding") -> np.ndarray:
    """Validate ``x`` (one vector or a 2-D batch) and return an L2-normalised float32 (n, d) copy.

    Raises :class:`InvalidArgumentError` for non-float dtypes, wrong rank or width, empty input,
    NaN/inf and all-zero vectors.
    """
    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        raise InvalidArgumentError(f"{what} must be a float array, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InvalidArgumentError(f"{what} must have shape (d,) or (n, d), got {np.shape(x)}")
    if dim is not None and arr.shape[1] != dim:
        raise InvalidArgumentError(f"{what} has dimension {arr.shape[1]}, the catalog uses {dim}")
    arr = arr.astype(np.float32, copy=True)
    if not np.isfinite(arr).all():
        raise InvalidArgumentError(f"{what} contains NaN or infinite values")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if (norms == 0).any():
        raise InvalidArgumentError(f"{what} contains an all-zero vector (no direction to compare)")
    arr /= norms
    return arr


def encode(vec: np.ndarray, encoding: str = "f16") -> tuple[bytes, float]:
    """Encode one normalised float32 vector; returns ``(blob, scale)`` (scale is 1.0 for f16)."""
    if encoding == "f16":
        return np.ascontiguousarray(vec, dtype="<f2").tobytes(), 1.0
    if encoding == "i8":
        peak = float(np.abs(vec).max())
        scale = peak / 127.0 if peak > 0 else 1.0
        q = np.clip(np.rint(vec / scale), -127, 127).astype(np.int8)
        return q.tobytes(), scale
    raise InvalidArgumentError(f"unknown embedding encoding {encoding!r}; use one of {ENCODINGS}")


def decode(blob: bytes, encoding: str, scale: float, dim: int) -> np.ndarray:
    """Inverse of :func:`encode`, returning a float32 vector re-normalised to unit length."""
    if encoding == "f16":
        v = np.frombuffer(blob, dtype="<f2").astype(np.float32)
    elif encoding == "i8":
        v = np.frombuffer(blob, dtype=np.int8).astype(np.float32) * np.float32(scale)
    else:
        raise InvalidArgumentError(f"unknown embedding encoding {encoding!r}")
    if v.shape[0] != dim:
        raise InvalidArgumentError(f"stored vector has {v.shape[0]} dims, expected {dim}")
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        n = np.linalg.norm(v)
        return v / n if n > 0 else v


def decode_many(blobs: list[bytes], encodings: list[str], scales: list[float], dim: int,
                out: np.ndarray | None = None) -> np.ndarray:
    """Decode a batch into ``out`` (float32 (n, dim)); fast path when every row is f16."""
    n = len(blobs)
    if out is None:
        out = np.empty((n, dim), dtype=np.float32)
    if n == 0:
        return out
    if all(e == "f16" for e in encodings):
        raw = np.frombuffer(b"".join(blobs), dtype="<f2")
        if raw.size != n * dim:
            raise InvalidArgumentError("stored vectors do not match the catalog dimension")
        out[:] = raw.reshape(n, dim)
    else:
        for i, (b, e, s) in enumerate(zip(blobs, encodings, scales)):
            out[i] = decode(b, e, s, dim)
        return out
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):  # damage shows up as NaN
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms
    return out
