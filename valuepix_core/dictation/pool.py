"""Pooled, pre-warmed Vosk recognizers, each behind its own lock.

A fresh ``KaldiRecognizer`` pays a large one-off cost on its first audio (hundreds of ms, mostly
filling the lazily composed decoding-graph cache); a recognizer reused after ``FinalResult()`` pays
none.  The pool therefore keeps finished recognizers per grammar and warms new ones on synthetic
noise before handing them out.

libvosk aborts when one recognizer is used from two threads at once, so every call into a
recognizer goes through :class:`Recognizer`, which holds a lock around it.
"""
from __future__ import annotations

import json
import threading

import numpy as np

from ..errors import ValuePixError

WARMUP_SECONDS = 6.0
MAX_IDLE_PER_GRAMMAR = 4


def synthetic_babble(rate: float, seconds: float, seed: int = 7) -> np.ndarray:
    """Speech-shaped noise: 'vowels' (harmonics of a gliding pitch shaped by random formants),
    'fricatives' (high-passed noise bursts) and short pauses, float32 in int16 scale."""
    rng = np.random.default_rng(seed)
    out = []
    total = int(rate * seconds)
    n = 0
    while n < total:
        kind = rng.choice(3, p=[0.6, 0.25, 0.15])
        seg = int(rate * rng.uniform(0.06, 0.2))
        t = np.arange(seg) / rate
        if kind == 0:
            f0 = rng.uniform(90, 220) * (1 + 0.1 * t / max(t[-1], 1e-3))
            formants = rng.uniform([250, 800, 2200], [900, 2300, 3200])
            x = np.zeros(seg)
            phase = 2 * np.pi * np.cumsum(f0) / rate
            for h in range(1, 30):
                fh = f0.mean() * h
                if fh > rate / 2 - 200:
                    break
                gain = sum(np.exp(-((fh - f) / 120.0) ** 2) for f in formants) + 0.02
                x += gain * np.sin(h * phase)
            x *= 4000.0 / max(1e-9, np.abs(x).max())
        elif kind == 1:
            x = np.diff(rng.normal(0, 1500.0, seg + 1))
        else:
            x = rng.normal(0, 20.0, seg)
        out.append(x * np.hanning(seg) if kind != 2 else x)
        n += seg
    return np.concatenate(out)[:total].astype(np.float32)


class Recognizer:
    """One native ``VoskRecognizer``; all access under ``self.lock``."""

    def __init__(self, model, grammar: str | None):
        self.model = model
        self.grammar = grammar
        self.lock = threading.RLock()
        ffi, lib = model._ffi, model._lib
        self._ffi, self._lib = ffi, lib
        rate = float(model.sample_rate)
        if grammar is None:
            handle = lib.vosk_recognizer_new(model.handle, rate)
        else:
            handle = lib.vosk_recognizer_new_grm(model.handle, rate, grammar.encode("utf-8"))
        if handle == ffi.NULL:
            raise ValuePixError("libvosk could not create a recognizer")
        self.handle = handle
        # libvosk reports word times from the recognizer's creation; we report them per stream
        self.samples_total = 0
        self.warm = False

    # every method below must be called with self.lock held
    def configure(self, words: bool, partial_words: bool, alternatives: int) -> None:
        self._lib.vosk_recognizer_set_words(self.handle, 1 if words else 0)
        self._lib.vosk_recognizer_set_partial_words(self.handle, 1 if partial_words else 0)
        self._lib.vosk_recognizer_set_max_alternatives(self.handle, int(alternatives))

    def accept(self, block: np.ndarray) -> bool:
        """Feed float32 samples (int16 scale, model rate); True when an endpoint was detected."""
        block = np.ascontiguousarray(block, dtype=np.float32)
        n = int(block.size)
        if n == 0:
            return False
        rc = self._lib.vosk_recognizer_accept_waveform_f(self.handle, self._ffi.from_buffer("float[]", block), n)
        self.samples_total += n
        if rc < 0:
            raise ValuePixError("libvosk failed to process the waveform")
        return rc == 1

    def _json(self, ptr) -> dict:
        return json.loads(self._ffi.string(ptr).decode("utf-8"))

    def result(self) -> dict:
        return self._json(self._lib.vosk_recognizer_result(self.handle))

    def partial(self) -> dict:
        return self._json(self._lib.vosk_recognizer_partial_result(self.handle))

    def final(self) -> dict:
        """Flush and finalise; libvosk then frees the feature pipeline (the features of the audio)."""
        return self._json(self._lib.vosk_recognizer_final_result(self.handle))

    def reset(self) -> None:
        self._lib.vosk_recognizer_reset(self.handle)

    def wipe(self) -> None:
        """End any utterance and forget it: FinalResult drops decoder + features, Reset clears the
        stored result text."""
        self.final()
        self.reset()

    def warm_up(self) -> None:
        """Decode synthetic babble so the lazily built decoding-graph cache and the nnet
        computations are ready before real audio arrives; then wipe.  No recorded audio is used."""
        block = int(self.model.sample_rate * 0.1)
        sig = synthetic_babble(self.model.sample_rate, WARMUP_SECONDS)
        for i in range(0, sig.size, block):
            if self.accept(sig[i:i + block]):
                self.result()
            else:
                self.partial()
        self.wipe()
        self.warm = True

    def free(self) -> None:
        if self.handle is not None:
            self._lib.vosk_recognizer_free(self.handle)
            self.handle = None


class RecognizerPool:
    """Idle recognizers of one model, per grammar."""

    def __init__(self, model, max_idle: int = MAX_IDLE_PER_GRAMMAR):
        self.model = model
        self.max_idle = max_idle
        self._idle: dict[str | None, list[Recognizer]] = {}
        self._lock = threading.Lock()

    def acquire(self, grammar: str | None = None) -> Recognizer:
        with self._lock:
            idle = self._idle.get(grammar)
            rec = idle.pop() if idle else None
        if rec is None:
            rec = Recognizer(self.model, grammar)
            with rec.lock:
                rec.warm_up()
        return rec

    def release(self, rec: Recognizer) -> None:
        """Take back a recognizer.  The caller must already have wiped it (no utterance open)."""
        with self._lock:
            idle = self._idle.setdefault(rec.grammar, [])
            if self.model.handle is not None and len(idle) < self.max_idle:
                idle.append(rec)
                return
        with rec.lock:
            rec.free()

    def prewarm(self, count: int = 1, grammar: str | None = None) -> None:
        """Make sure ``count`` warm recognizers for ``grammar`` are idle (e.g. at app start)."""
        with self._lock:
            have = len(self._idle.get(grammar, []))
        for _ in range(max(0, min(count, self.max_idle) - have)):
            rec = Recognizer(self.model, grammar)
            with rec.lock:
                rec.warm_up()
            self.release(rec)

    def idle_count(self, grammar: str | None = None) -> int:
        with self._lock:
            return len(self._idle.get(grammar, []))

    def clear(self) -> None:
        with self._lock:
            recs = [r for lst in self._idle.values() for r in lst]
            self._idle.clear()
        for r in recs:
            with r.lock:
                r.free()
