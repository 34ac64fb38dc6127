"""valuepix_core — the inference core of ValuePix.

Public names are listed in ``__all__`` (pinned by tests/test_public_api.py).  Heavy modules
(onnxruntime via ``identify``, vosk via ``dictation``) are imported only when one of their names
is first used, so ``import valuepix_core`` stays light.
"""
from __future__ import annotations

import importlib

from .errors import (
    AudioFormatError,
    BufferTooSmallError,
    CatalogCorruptError,
    CatalogError,
    CatalogModelMismatchError,
    ImageTooLargeError,
    InvalidArgumentError,
    InvalidImageError,
    ItemNotFoundError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
    ModelSpecError,
    NativeError,
    UnsupportedFormatError,
    ValuePixError,
)

__version__ = "0.1.0"

# public name -> submodule that defines it (imported on first access)
_LAZY = {
    "PreprocessSpec": "preprocessing",
    "Frame": "preprocessing",
    "preprocess": "preprocessing",
    "Identifier": "identify",
    "IdentifierOptions": "identify",
    "IdentifyResult": "identify",
    "Label": "identify",
    "Catalog": "catalog",
    "MatchResult": "catalog",
    "Match": "catalog",
    "Valuation": "catalog",
    "Dictation": "dictation",
    "DictationOptions": "dictation",
    "PartialTranscript": "dictation",
    "FinalTranscript": "dictation",
    "Word": "dictation",
    "Alternative": "dictation",
}

__all__ = sorted(
    [
        "__version__",
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
        *_LAZY,
    ]
)


def __getattr__(name: str):
    modname = _LAZY.get(name)
    if modname is None:
        raise AttributeError(f"module 'valuepix_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{modname}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
