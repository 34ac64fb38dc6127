"""Private streaming dictation on Vosk: ``Dictation``, ``DictationOptions`` and the events.

Modules, each owning one thing:
  options        DictationOptions (frozen, validated)
  events         Word, Alternative, PartialTranscript, FinalTranscript
  audio          chunk validation, carry of partial frames, down-mix, soxr resampling, blocking
  grammar        phrases -> grammar JSON, checked against the model's vocabulary
  model_locator  where the Vosk model is (path, env, vosk_model_* package, fetched)
  model          process-wide model cache; deterministic / endpoint config overlay
  pool           pooled, pre-warmed recognizers, one lock each
  session        Dictation
  fetch          `valuepix models fetch`: known models, verified download, safe atomic unpack
  wavfile        streaming WAV header/data reader (int16 PCM, float32)
  _vosk          cffi binding to libvosk (loaded lazily, logs silenced)

Vosk itself is loaded only when a Dictation (or a model) is created.
"""
from __future__ import annotations

from .events import Alternative, FinalTranscript, PartialTranscript, Word
from .options import DictationOptions
from .session import Dictation

__all__ = ["Dictation", "DictationOptions", "PartialTranscript", "FinalTranscript", "Word", "Alternative"]
