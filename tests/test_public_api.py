"""The public surface is pinned: code outside this repository calls exactly these names."""
from __future__ import annotations

import inspect
import subprocess
import sys

import valuepix_core as vp

PINNED = {
    "ValuePixError", "InvalidArgumentError", "InvalidImageError", "UnsupportedFormatError", "ImageTooLargeError",
    "BufferTooSmallError", "NativeError", "ModelError", "ModelNotFoundError", "ModelIntegrityError",
    "ModelSpecError", "AudioFormatError", "CatalogError", "CatalogModelMismatchError", "CatalogCorruptError",
    "ItemNotFoundError", "PreprocessSpec", "Frame", "preprocess", "Identifier", "IdentifierOptions",
    "IdentifyResult", "Label", "Catalog", "MatchResult", "Match", "Valuation", "Dictation", "DictationOptions",
    "PartialTranscript", "FinalTranscript", "Word", "Alternative", "__version__",
}


def test_all_is_pinned():
    assert set(vp.__all__) == PINNED


def test_preprocess_signatures():
    params = inspect.signature(vp.PreprocessSpec).parameters
    assert list(params)[:9] == ["width", "height", "resize", "shorter_side", "mean", "std", "layout", "dtype",
                                "channels"]
    assert list(inspect.signature(vp.Frame).parameters) == ["data", "width", "height", "format", "stride"]
    assert list(inspect.signature(vp.preprocess).parameters)[:2] == ["source", "spec"]
    assert callable(vp.preprocess)


def test_import_is_light():
    """import valuepix_core must not pull onnxruntime or vosk (they load on first use)."""
    code = "import sys, valuepix_core; print('onnxruntime' in sys.modules, 'vosk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
