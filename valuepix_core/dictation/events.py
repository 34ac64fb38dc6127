"""What a dictation stream produces: partial and final transcripts, their words and alternatives.

All times are seconds of *input audio* since the start of the stream (the first ``feed`` after the
:class:`~valuepix_core.dictation.Dictation` was created or after the previous ``finish``), so they
are properties of the audio, not of the machine's speed.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word with its position in the stream and the recogniser's confidence (0..1)."""

    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Alternative:
    """One entry of an n-best list (``DictationOptions(alternatives=N)``)."""

    text: str
    confidence: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class PartialTranscript:
    """The current best guess for the utterance being spoken; later partials may revise it.

    ``stable_text`` is the word prefix that the last two hypotheses agree on — safe to show as
    settled while the tail keeps changing.  ``words`` is filled only with
    ``DictationOptions(partial_words=True)``.
    """

    text: str
    stable_text: str
    utterance: int
    audio_time: float
    words: tuple[Word, ...] = ()

    @property
    def is_final(self) -> bool:
        return False


@dataclass(frozen=True)
class FinalTranscript:
    """The settled text of one utterance.

    ``reason`` is ``"endpoint"`` (trailing silence ended it), ``"max_length"``
    (``DictationOptions.max_utterance_s`` reached) or ``"finish"`` (``Dictation.finish()``).
    ``audio_time`` is how much input audio had been fed when the utterance was closed.
    """

    text: str
    words: tuple[Word, ...]
    utterance: int
    audio_time: float
    reason: str
    alternatives: tuple[Alternative, ...] = field(default=())

    @property
    def is_final(self) -> bool:
        return True

    @property
    def start(self) -> float | None:
        return self.words[0].start if self.words else None

    @property
    def end(self) -> float | None:
        return self.words[-1].end if self.words else None
