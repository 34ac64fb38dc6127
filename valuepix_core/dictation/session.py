"""``Dictation``: one audio stream in, partial and final transcripts out.

    with Dictation(DictationOptions(sample_rate=48000, sample_format="float32", channels=2)) as d:
        for chunk in microphone():
            for event in d.feed(chunk):          # PartialTranscript / FinalTranscript
                ...
        last = d.finish()                        # flushes; the stream's final transcript

The model is shared process-wide (``model.get_model``); the Dictation borrows one pre-warmed
recognizer from the model's pool and returns it, wiped, on ``close()``.  ``feed`` and ``finish`` hold
the recognizer's lock, so a Dictation may be fed from several threads (calls are serialised; the
order of concurrent chunks is the caller's business).  Audio is processed and dropped: after
``finish()`` / ``close()`` no caller audio is held (see ``AudioConverter.release``) and libvosk has
freed the utterance's features (``FinalResult``).  Nothing is written to disk.
"""
from __future__ import annotations

from ..errors import InvalidArgumentError
from .audio import AudioConverter
from .events import Alternative, FinalTranscript, PartialTranscript, Word
from .grammar import build_grammar
from .model import get_model
from .options import DictationOptions


def _words(items, base: float) -> tuple[Word, ...]:
    out = []
    for w in items or ():
        out.append(Word(str(w.get("word", "")),
                        round(max(0.0, float(w.get("start", 0.0)) - base), 3),
                        round(max(0.0, float(w.get("end", 0.0)) - base), 3),
                        float(w.get("conf", 1.0))))
    return tuple(out)


def _common_prefix(a: list[str], b: list[str]) -> list[str]:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


class Dictation:
    """A streaming dictation session on a Vosk model (see module docstring)."""

    def __init__(self, options: DictationOptions | None = None):
        if options is None:
            options = DictationOptions()
        if not isinstance(options, DictationOptions):
            raise InvalidArgumentError(f"options must be a DictationOptions, got {type(options).__name__}")
        self.options = options
        self._closed = True
        self._model = get_model(options.model_dir, deterministic=options.deterministic,
                                endpoint_silence_s=options.endpoint_silence_s)
        grammar = build_grammar(self._model, options.phrases, options.allow_unknown)
        self._rec = self._model.pool.acquire(grammar)
        self._lock = self._rec.lock
        with self._lock:
            self._rec.configure(options.words, options.partial_words, options.alternatives)
        self._rate = float(self._model.sample_rate)
        self._conv = AudioConverter(options, self._rate)
        self._max_utt = None if options.max_utterance_s is None else int(options.max_utterance_s * self._rate)
        self._closed = False
        self._start_stream()

    # -- public ------------------------------------------------------------------------------
    @staticmethod
    def preload(options: DictationOptions | None = None, recognizers: int = 1) -> None:
        """Load the model and warm ``recognizers`` recognizers now (e.g. at app start) so the
        first Dictation starts instantly."""
        options = options or DictationOptions()
        model = get_model(options.model_dir, deterministic=options.deterministic,
                          endpoint_silence_s=options.endpoint_silence_s)
        model.pool.prewarm(recognizers, build_grammar(model, options.phrases, options.allow_unknown))

    @property
    def model_path(self):
        return self._model.path

    @property
    def model_sample_rate(self) -> float:
        return self._rate

    @property
    def closed(self) -> bool:
        return self._closed

    def feed(self, chunk) -> list:
        """Feed audio (bytes, bytearray, memoryview or numpy, in the declared format); return the
        :class:`PartialTranscript` / :class:`FinalTranscript` events it produced, oldest first.

        Raises :class:`~valuepix_core.AudioFormatError` for audio that is not what the options
        declare (NaN/Inf, wrong dtype or shape, float32 bytes as int16...); the stream is unchanged.
        """
        with self._lock:
            self._check_open()
            events: list = []
            for block in self._conv.push(chunk):
                self._decode(block, events)
            return events

    def finish(self) -> FinalTranscript:
        """End the stream: flush buffered audio, return the final transcript of the last utterance
        (``text`` may be empty), and forget all audio.  The Dictation can then start a new stream."""
        with self._lock:
            self._check_open()
            events: list = []
            try:
                for block in self._conv.flush():
                    self._decode(block, events, allow_partials=False)
                final = self._final(self._rec.final(), "finish")
            finally:  # even when decoding fails, no audio outlives the stream
                self._rec.reset()
                self._conv.release()
                self._start_stream()
            early = [e for e in events if isinstance(e, FinalTranscript) and e.text]
            if early:  # an endpoint fell inside the flushed tail: fold it into the returned final
                parts = early + ([final] if final.text else [])
                final = FinalTranscript(" ".join(p.text for p in parts),
                                        tuple(w for p in parts for w in p.words), early[0].utterance,
                                        final.audio_time, "finish",
                                        tuple(a for p in parts for a in p.alternatives))
            return final

    def close(self) -> None:
        """Drop buffered audio, wipe the recognizer and give it back to the pool.  Idempotent."""
        if self._closed:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._conv.release()
            self._rec.wipe()
            rec, self._rec = self._rec, None
        self._model.pool.release(rec)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- internals ---------------------------------------------------------------------------
    def _check_open(self):
        if self._closed:
            raise InvalidArgumentError("this Dictation is closed")

    def _start_stream(self):
        self._base = self._rec.samples_total
        self._utt_start = 0
        self._utterance = 0
        self._last_partial: list[str] = []
        self._last_partial_pos = 0

    def _pos(self) -> int:
        return self._rec.samples_total - self._base

    def _final(self, res: dict, reason: str) -> FinalTranscript:
        base = self._base / self._rate
        alts = ()
        if "alternatives" in res:
            alts = tuple(Alternative(str(a.get("text", "")), float(a.get("confidence", 0.0)),
                                     _words(a.get("result"), base)) for a in res["alternatives"])
            best = alts[0] if alts else Alternative("", 0.0)
            text, words = best.text, best.words
        else:
            text, words = str(res.get("text", "")), _words(res.get("result"), base)
        final = FinalTranscript(text, words, self._utterance, round(self._pos() / self._rate, 4), reason, alts)
        if text:
            self._utterance += 1
        self._utt_start = self._pos()
        self._last_partial = []
        return final

    def _decode(self, block, events: list, allow_partials: bool = True) -> None:
        rec = self._rec
        if rec.accept(block):
            reason = "endpoint"
        elif self._max_utt is not None and self._pos() - self._utt_start >= self._max_utt:
            reason = "max_length"
        else:
            # partials at most once per block of audio, however small the caller's chunks are
            if allow_partials and self._pos() - self._last_partial_pos >= self._conv.block:
                self._last_partial_pos = self._pos()
                self._partial(events)
            return
        # FinalResult (not Result): libvosk then frees the utterance's feature pipeline, so features
        # of earlier utterances are not kept (privacy) and memory stays flat over long streams.
        final = self._final(rec.final(), reason)
        if final.text:
            events.append(final)

    def _partial(self, events: list) -> None:
        res = self._rec.partial()
        text = str(res.get("partial", ""))
        words = text.split()
        if not words or words == self._last_partial:
            return
        stable = _common_prefix(words, self._last_partial)
        self._last_partial = words
        events.append(PartialTranscript(text, " ".join(stable), self._utterance,
                                        round(self._pos() / self._rate, 4),
                                        _words(res.get("partial_result"), self._base / self._rate)))
