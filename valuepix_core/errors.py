"""The one exception tree of valuepix_core, and the one place C status codes become exceptions.

Every error the library raises on bad input derives from :class:`ValuePixError`.  Classes that
describe bad values also derive from :class:`ValueError` so generic callers can catch them.
"""
from __future__ import annotations

__all__ = [
    "ValuePixError",
    "InvalidArgumentError",
    "InvalidImageError",
    "UnsupportedFormatError",
    "ImageTooLargeError",
    "BufferTooSmallError",
    "NativeError",
    "ModelError",
    "ModelNotFoundError",
    "ModelIntegrityError",
    "ModelSpecError",
    "AudioFormatError",
    "CatalogError",
    "CatalogModelMismatchError",
    "CatalogCorruptError",
    "ItemNotFoundError",
    "error_from_status",
]


class ValuePixError(Exception):
    """Root of every error valuepix_core raises."""


class InvalidArgumentError(ValuePixError, ValueError):
    """An argument has the wrong type, dtype, shape, range or combination."""


class InvalidImageError(ValuePixError, ValueError):
    """The image data is corrupt, truncated, empty or otherwise undecodable."""


class UnsupportedFormatError(InvalidImageError):
    """The data is not an image format valuepix_core can read (or a needed plugin is missing)."""


class ImageTooLargeError(InvalidImageError):
    """The image exceeds the pixel limit (decompression-bomb guard) or overflows size arithmetic."""


class BufferTooSmallError(InvalidArgumentError):
    """A caller-supplied output or scratch buffer is smaller than the size query says."""


class NativeError(ValuePixError):
    """The native core reported an internal failure (ABI mismatch, unsupported CPU path...)."""


class ModelError(ValuePixError):
    """Base for model loading problems."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """The model (or its manifest) does not exist."""


class ModelIntegrityError(ModelError):
    """The model file's sha256 does not match its manifest (tampered or truncated)."""


class ModelSpecError(ModelError):
    """The model's manifest/inputs are something the library cannot feed."""


class AudioFormatError(InvalidArgumentError):
    """Audio samples, rate, channel count or sample format are invalid."""


class CatalogError(ValuePixError):
    """Base for catalog problems."""


class CatalogModelMismatchError(CatalogError):
    """Embeddings from a different model than the catalog's were offered."""


class CatalogCorruptError(CatalogError):
    """The catalog database is unreadable, truncated or of an unknown schema."""


class ItemNotFoundError(CatalogError, KeyError):
    """No catalog item with that id."""


# --- C status codes (native/include/valuepix.h, enum vp_status). Values are only ever appended. ---
VP_OK = 0
_STATUS = {
    1: ("VP_ERR_INVALID_ARGUMENT", InvalidArgumentError),
    2: ("VP_ERR_UNSUPPORTED_FORMAT", UnsupportedFormatError),
    3: ("VP_ERR_TOO_LARGE", ImageTooLargeError),
    4: ("VP_ERR_OVERFLOW", ImageTooLargeError),
    5: ("VP_ERR_BUFFER_TOO_SMALL", BufferTooSmallError),
    6: ("VP_ERR_ABI_MISMATCH", NativeError),
    7: ("VP_ERR_OUT_OF_MEMORY", NativeError),
    8: ("VP_ERR_INTERNAL", NativeError),
}


def error_from_status(status: int, message: str | None = None) -> ValuePixError:
    """Map a ``vp_status`` code (non-zero) and the context's last error to an exception instance."""
    name, cls = _STATUS.get(int(status), (f"VP_STATUS_{int(status)}", NativeError))
    text = f"{name}: {message}" if message else name
    return cls(text)
