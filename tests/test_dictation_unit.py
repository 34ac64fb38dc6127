"""Dictation pieces that need no Vosk model: options, audio conversion, grammar, WAV reading."""
from __future__ import annotations

import io
import math
import struct
import subprocess
import sys
import wave
from dataclasses import FrozenInstanceError

import numpy as np
import pytest

from valuepix_core import AudioFormatError, InvalidArgumentError, ValuePixError
from valuepix_core.dictation import DictationOptions
from valuepix_core.dictation.audio import AudioConverter, looks_like_float32
from valuepix_core.dictation.grammar import build_grammar
from valuepix_core.dictation.wavfile import iter_data, read_header

from test_dictation_support import load_wav


# --- options --------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [0, -16000, float("nan"), float("inf"), -float("inf"), 1, 10**7,
                                  True, "16000", None])
def test_bad_sample_rates_are_refused(rate):
    with pytest.raises(AudioFormatError):
        DictationOptions(sample_rate=rate)


def test_audio_format_error_is_in_the_tree():
    assert issubclass(AudioFormatError, InvalidArgumentError)
    assert issubclass(AudioFormatError, ValuePixError)


@pytest.mark.parametrize("kw", [dict(channels=0), dict(channels=2.0), dict(channels=99),
                                dict(sample_format="int24"), dict(sample_format="float64")])
def test_bad_audio_layouts_are_refused(kw):
    with pytest.raises(AudioFormatError):
        DictationOptions(**kw)


@pytest.mark.parametrize("phrases", [[], (), "카메라", [""], ["  "], [1], ['a"b'], ["a\\b"], ["a\x00"]])
def test_bad_phrases_are_refused(phrases):
    # [] as a grammar kills libvosk; quotes/backslashes could break the JSON we build
    with pytest.raises(InvalidArgumentError):
        DictationOptions(phrases=phrases)


@pytest.mark.parametrize("kw", [dict(alternatives=-1), dict(alternatives=1.5), dict(endpoint_silence_s=0),
                                dict(endpoint_silence_s=float("nan")), dict(max_utterance_s=-1),
                                dict(block_ms=5), dict(deterministic="yes"), dict(allow_unknown=True),
                                dict(model_dir=123)])
def test_bad_options_are_refused(kw):
    with pytest.raises(InvalidArgumentError):
        DictationOptions(**kw)


def test_options_are_frozen_and_normalised():
    o = DictationOptions(sample_rate=44100, phrases=["금  반지", "금 반지", "카메라"])
    assert o.sample_rate == 44100.0 and o.phrases == ("금 반지", "카메라")
    with pytest.raises(FrozenInstanceError):
        o.phrases = ("x",)  # no grammar change mid-stream (SetGrammar mid-utterance aborts libvosk)
    assert DictationOptions(channels=2, sample_format="float32").bytes_per_frame == 8


# --- audio conversion -----------------------------------------------------------------------
def _drain(conv, chunks):
    out = [b.copy() for c in chunks for b in conv.push(c)]
    out += [b.copy() for b in conv.flush()]
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def test_odd_byte_splits_are_carried():
    x = load_wav("ko_camera.wav")[:16000]
    raw = x.tobytes()
    whole = _drain(AudioConverter(DictationOptions(), 16000), [raw])
    cuts = [0, 1, 2, 7, 1001, 1002, 5555, len(raw)]
    pieces = [raw[a:b] for a, b in zip(cuts, cuts[1:])]
    split = _drain(AudioConverter(DictationOptions(), 16000), pieces)
    np.testing.assert_array_equal(whole, split)
    np.testing.assert_array_equal(whole, x.astype(np.float32))  # 16 kHz int16 reaches Vosk exactly


def test_stereo_is_downmixed_and_frames_are_carried():
    left = np.arange(-500, 500, dtype=np.int16)
    right = -left // 2
    inter = np.stack([left, right], axis=1).reshape(-1)
    raw = inter.tobytes()
    conv = AudioConverter(DictationOptions(channels=2), 16000)
    out = _drain(conv, [raw[:3], raw[3:10], raw[10:]])
    np.testing.assert_array_equal(out, np.round((left.astype(np.float32) + right) / 2))  # int16 grid


def test_numpy_2d_and_memoryview_inputs():
    x = (np.sin(np.arange(3200) / 10) * 0.5).astype(np.float32)
    st = np.stack([x, x], axis=1)
    a = _drain(AudioConverter(DictationOptions(channels=2, sample_format="float32"), 16000), [st])
    b = _drain(AudioConverter(DictationOptions(channels=2, sample_format="float32"), 16000),
               [memoryview(st.tobytes())])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.round(x * 32768))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_floats_are_refused_and_stream_unchanged(bad):
    conv = AudioConverter(DictationOptions(sample_format="float32"), 16000)
    list(conv.push(np.full(100, 0.25, np.float32)))
    pending = conv.pending_samples
    x = np.zeros(1600, np.float32)
    x[800] = bad
    with pytest.raises(AudioFormatError):
        list(conv.push(x))
    with pytest.raises(AudioFormatError):  # the same with the bad value split over two chunks
        raw = x.tobytes()
        list(conv.push(raw[:3202]))
        list(conv.push(raw[3202:]))
    assert conv.pending_samples >= pending


def test_floats_are_clipped():
    x = np.array([0.5, 1.7, -3.0, -1.0, 1.0], dtype=np.float32)
    out = _drain(AudioConverter(DictationOptions(sample_format="float32"), 16000), [x])
    np.testing.assert_allclose(out, [16384, 32767, -32768, -32768, 32767])


def test_float32_bytes_declared_int16_are_refused():
    x = load_wav("ko_ring.wav").astype(np.float32) / 32768
    assert looks_like_float32(np.frombuffer(x.tobytes(), "<i2"))
    assert not looks_like_float32(load_wav("ko_ring.wav"))
    conv = AudioConverter(DictationOptions(), 16000)
    with pytest.raises(AudioFormatError, match="float32"):
        list(conv.push(x.tobytes()))


def test_int16_bytes_declared_float32_are_refused():
    raw = load_wav("ko_ring.wav").tobytes()
    conv = AudioConverter(DictationOptions(sample_format="float32"), 16000)
    with pytest.raises(AudioFormatError):
        list(conv.push(raw))


def test_numpy_dtype_and_shape_must_match():
    conv = AudioConverter(DictationOptions(), 16000)
    with pytest.raises(AudioFormatError):
        list(conv.push(np.zeros(10, np.float32)))
    with pytest.raises(AudioFormatError):
        list(conv.push(np.zeros((10, 2), np.int16)))
    with pytest.raises(InvalidArgumentError):
        list(conv.push([1, 2, 3]))


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_resampling_keeps_duration_in_fixed_blocks(rate):
    opts = DictationOptions(sample_rate=rate, block_ms=100, deterministic=True)
    conv = AudioConverter(opts, 16000)
    x = (np.sin(np.arange(rate) * 2 * np.pi * 440 / rate) * 8000).astype(np.int16)  # 1 s
    blocks = [b.size for c in np.array_split(x, 7) for b in conv.push(c)]
    assert all(n == 1600 for n in blocks)
    tail = [b.size for b in conv.flush()]
    assert abs(sum(blocks) + sum(tail) - 16000) <= 2


def test_non_deterministic_mode_holds_nothing_back():
    conv = AudioConverter(DictationOptions(block_ms=100), 16000)
    x = np.arange(4000, dtype=np.int16)
    sizes = [b.size for b in conv.push(x)]
    assert sizes == [1600, 1600, 800] and conv.pending_samples == 0
    assert [b.size for b in conv.flush()] == []


def test_release_forgets_all_audio():
    conv = AudioConverter(DictationOptions(sample_rate=48000, channels=2), 16000)
    x = (np.random.default_rng(0).normal(0, 3000, 48000 * 2 + 1)).astype(np.int16)
    list(conv.push(x.tobytes()[:-1]))
    assert conv.holds_audio()
    conv.release()
    assert not conv.holds_audio()
    assert conv.carried_bytes == 0 and conv.pending_samples == 0


# --- grammar --------------------------------------------------------------------------------
class _FakeModel:
    path = "fake"

    def __init__(self, words, runtime=True):
        self.words = set(words)
        self.has_runtime_graph = runtime

    def has_word(self, w):
        return w in self.words


def test_grammar_json_is_built_from_validated_phrases():
    import json

    m = _FakeModel(["금", "반지", "카메라", "[unk]"])
    g = build_grammar(m, ("금 반지", "카메라"), allow_unknown=True)
    assert json.loads(g) == ["금 반지", "카메라", "[unk]"]
    assert build_grammar(m, None) is None
    with pytest.raises(InvalidArgumentError, match="vocabulary"):
        build_grammar(m, ("금 시계",))
    with pytest.raises(InvalidArgumentError):
        build_grammar(m, ())
    with pytest.raises(InvalidArgumentError, match="runtime graph"):
        build_grammar(_FakeModel(["금"], runtime=False), ("금",))
    with pytest.raises(InvalidArgumentError, match="unk"):
        build_grammar(_FakeModel(["금"]), ("금",), allow_unknown=True)


# --- WAV reading ----------------------------------------------------------------------------
def _float_wav(x: np.ndarray, rate: int, channels: int) -> bytes:
    data = x.astype("<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * channels * 4, channels * 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 4) + b"abcd" \
        + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_wav_reader_int16_and_float32():
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.arange(200, dtype="<i2").tobytes())
    buf.seek(0)
    info = read_header(buf)
    assert (info.sample_rate, info.channels, info.sample_format, info.frames) == (44100, 2, "int16", 100)
    assert b"".join(iter_data(buf, info, 64)) == np.arange(200, dtype="<i2").tobytes()
    x = np.linspace(-1, 1, 96, dtype=np.float32)
    f = io.BytesIO(_float_wav(x, 48000, 2))
    info = read_header(f)
    assert (info.sample_rate, info.channels, info.sample_format, info.frames) == (48000, 2, "float32", 48)
    assert np.array_equal(np.frombuffer(b"".join(iter_data(f, info, 10)), "<f4"), x)
    with pytest.raises(AudioFormatError):
        read_header(io.BytesIO(b"not a wav file at all"))


# --- import stays light ---------------------------------------------------------------------
def test_import_does_not_load_vosk():
    code = ("import sys, valuepix_core as vp; vp.DictationOptions; vp.PartialTranscript; vp.Word;"
            "from valuepix_core.dictation import _vosk;"
            "assert _vosk._lib is None, 'libvosk loaded';"
            "bad = [m for m in sys.modules if m == 'vosk' or m.startswith('vosk.') or m in ('soxr', 'requests')];"
            "assert not bad, bad; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_public_names():
    import valuepix_core as vp
    from valuepix_core import dictation

    for name in ("Dictation", "DictationOptions", "PartialTranscript", "FinalTranscript", "Word"):
        assert getattr(vp, name) is getattr(dictation, name)
    assert not math.isnan(DictationOptions().sample_rate)
