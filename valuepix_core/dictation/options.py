"""``DictationOptions``: the frozen, validated settings of a dictation stream.

Validation here is the first safety net: values that crash or hang libvosk (a sample rate of 0,
negative, NaN or infinite; an empty or malformed grammar) never get past ``__post_init__``.
"""
from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioFormatError, InvalidArgumentError

SAMPLE_FORMATS = ("int16", "float32")
MIN_SAMPLE_RATE = 4000.0
MAX_SAMPLE_RATE = 384000.0
MAX_CHANNELS = 32


def check_sample_rate(rate) -> float:
    """Return ``rate`` as a float, or raise :class:`AudioFormatError` (0, <0, NaN, Inf, silly)."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise AudioFormatError(f"sample_rate must be a number of Hz, got {rate!r}")
    value = float(rate)
    if not math.isfinite(value) or not MIN_SAMPLE_RATE <= value <= MAX_SAMPLE_RATE:
        raise AudioFormatError(
            f"sample_rate must be between {MIN_SAMPLE_RATE:g} and {MAX_SAMPLE_RATE:g} Hz, got {rate!r}")
    return value


def check_channels(channels) -> int:
    if isinstance(channels, bool) or not isinstance(channels, numbers.Integral):
        raise AudioFormatError(f"channels must be an integer, got {channels!r}")
    if not 1 <= int(channels) <= MAX_CHANNELS:
        raise AudioFormatError(f"channels must be 1..{MAX_CHANNELS}, got {channels!r}")
    return int(channels)


def check_sample_format(fmt) -> str:
    if fmt not in SAMPLE_FORMATS:
        raise AudioFormatError(f"sample_format must be one of {SAMPLE_FORMATS}, got {fmt!r}")
    return fmt


def _positive_seconds(name: str, value, *, allow_none: bool = True, maximum: float = 3600.0):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or not 0 < float(value) <= maximum:
        raise InvalidArgumentError(f"{name} must be a number of seconds in (0, {maximum:g}], got {value!r}")
    return float(value)


def _check_phrases(phrases) -> tuple[str, ...] | None:
    if phrases is None:
        return None
    if isinstance(phrases, (str, bytes, Mapping)) or not hasattr(phrases, "__iter__"):
        # a JSON string or a dict (-> a JSON object grammar) crashes libvosk: only lists of str
        raise InvalidArgumentError("phrases must be a list of strings (not a string, JSON or mapping)")
    out = []
    for p in phrases:
        if not isinstance(p, str):
            raise InvalidArgumentError(f"every phrase must be a str, got {p!r}")
        words = p.split()
        if not words:
            raise InvalidArgumentError("phrases must not contain empty or whitespace-only entries")
        if any(ch in p for ch in '"\\\x00') or any(ord(ch) < 32 for ch in p):
            raise InvalidArgumentError(f"phrase contains a quote, backslash or control character: {p!r}")
        out.append(" ".join(words))
    if not out:
        # vosk_recognizer_new_grm(model, rate, "[]") kills the process: refuse it here.
        raise InvalidArgumentError("phrases must not be empty (use None for the model's full vocabulary)")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class DictationOptions:
    """Settings of a :class:`~valuepix_core.dictation.Dictation` stream.

    model_dir        A Vosk model directory; ``None``: ``$VALUEPIX_VOSK_MODEL``, else an installed
                     ``vosk_model_*`` package, else a model fetched by ``valuepix models fetch``.
    sample_rate      Rate of the audio you feed (any rate 4 kHz..384 kHz; resampled with soxr).
    channels         Interleaved channels of the audio you feed (down-mixed to mono).
    sample_format    ``"int16"`` (little-endian) or ``"float32"`` (little-endian, -1..1).
    phrases          ``None`` for the full vocabulary, or the phrases to recognise (a constrained
                     grammar; every word must be in the model's vocabulary; needs a model with a
                     runtime graph, i.e. ``graph/HCLr.fst`` + ``graph/Gr.fst``).
    allow_unknown    With ``phrases``: also allow the model's ``[unk]`` word (if it has one).
    words            Word timings and confidences in final transcripts.
    partial_words    Word timings in partial transcripts too (costs a little CPU).
    alternatives     0 = off; N = up to N alternatives (n-best) in each final transcript.
    endpoint_silence_s  Trailing silence that ends an utterance (``None``: the model's rules, about
                     1 s).  Sets Kaldi endpoint rules 2/3/4 to 0.5x / 1x / 2x this value.
    max_utterance_s  Close an utterance after this much audio even without a pause (``None``: no limit
                     beyond the model's own rules).
    deterministic    Same audio in, same transcript out: dither off in a private copy of the model's
                     feature config (config only, removed right after the model loads) and a fixed
                     decode block, whatever chunk sizes you feed.
    block_ms         Audio per decoder step, in ms of model-rate audio (10..1000).
    check_format     Refuse audio that looks like the wrong sample format (float32 bytes declared as
                     int16, int16 bytes declared as float32).
    """

    model_dir: str | os.PathLike | None = None
    sample_rate: float = 16000
    channels: int = 1
    sample_format: str = "int16"
    phrases: tuple[str, ...] | None = None
    allow_unknown: bool = False
    words: bool = True
    partial_words: bool = False
    alternatives: int = 0
    endpoint_silence_s: float | None = None
    max_utterance_s: float | None = None
    deterministic: bool = False
    block_ms: int = 100
    check_format: bool = True

    def __post_init__(self):
        set_ = object.__setattr__
        if self.model_dir is not None:
            if not isinstance(self.model_dir, (str, os.PathLike)) or str(self.model_dir) == "":
                raise InvalidArgumentError(f"model_dir must be a path, got {self.model_dir!r}")
            set_(self, "model_dir", Path(self.model_dir))
        set_(self, "sample_rate", check_sample_rate(self.sample_rate))
        set_(self, "channels", check_channels(self.channels))
        set_(self, "sample_format", check_sample_format(self.sample_format))
        set_(self, "phrases", _check_phrases(self.phrases))
        for name in ("allow_unknown", "words", "partial_words", "deterministic", "check_format"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidArgumentError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if isinstance(self.alternatives, bool) or not isinstance(self.alternatives, numbers.Integral) \
                or not 0 <= self.alternatives <= 100:
            raise InvalidArgumentError(f"alternatives must be an integer 0..100, got {self.alternatives!r}")
        set_(self, "endpoint_silence_s", _positive_seconds("endpoint_silence_s", self.endpoint_silence_s,
                                                           maximum=30.0))
        set_(self, "max_utterance_s", _positive_seconds("max_utterance_s", self.max_utterance_s))
        if isinstance(self.block_ms, bool) or not isinstance(self.block_ms, numbers.Integral) \
                or not 10 <= self.block_ms <= 1000:
            raise InvalidArgumentError(f"block_ms must be an integer 10..1000, got {self.block_ms!r}")
        if self.allow_unknown and self.phrases is None:
            raise InvalidArgumentError("allow_unknown only applies together with phrases")

    @property
    def bytes_per_frame(self) -> int:
        return self.channels * (2 if self.sample_format == "int16" else 4)
