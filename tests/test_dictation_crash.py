"""Every input that kills libvosk (or silently corrupts its output) is stopped before Vosk sees it.

Each case runs in its own subprocess: if a guard were missing, the child would hang, abort or
segfault (a non-zero/negative return code or a timeout), not just fail an assertion.  The child must
get the expected ValuePixError and then keep working (it prints ALIVE and exits 0).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_dictation_support import SKIP_REASON, korean_model_dir

REPO = Path(__file__).resolve().parents[1]
KO = korean_model_dir()

PRELUDE = textwrap.dedent("""
    import sys, threading, numpy as np
    import valuepix_core as vp
    from valuepix_core import AudioFormatError, InvalidArgumentError
    KO = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    def expect(exc, fn):
        try:
            fn()
        except exc as e:
            print("GOT", type(e).__name__, "-", e)
            return
        raise SystemExit("no error raised")
""")

NO_MODEL = {
    "rate_zero": "expect(AudioFormatError, lambda: vp.Dictation(vp.DictationOptions(model_dir=KO, sample_rate=0)))",
    "rate_negative": "expect(AudioFormatError, lambda: vp.DictationOptions(sample_rate=-16000))",
    "rate_nan": "expect(AudioFormatError, lambda: vp.DictationOptions(sample_rate=float('nan')))",
    "rate_inf": "expect(AudioFormatError, lambda: vp.DictationOptions(sample_rate=float('inf')))",
    "grammar_empty_list": "expect(InvalidArgumentError, lambda: vp.DictationOptions(phrases=[]))",
    "grammar_invalid_json": "expect(InvalidArgumentError, lambda: vp.DictationOptions(phrases='[\"a'))",
    "grammar_json_object": "expect(InvalidArgumentError, lambda: vp.DictationOptions(phrases={'a': 1}))",
    "grammar_json_text": "expect(InvalidArgumentError, lambda: vp.DictationOptions(phrases=['\"]', '{']))",
    "grammar_change_mid_stream": textwrap.dedent("""
        import dataclasses
        o = vp.DictationOptions(phrases=['a'])
        expect(dataclasses.FrozenInstanceError, lambda: setattr(o, 'phrases', ('b',)))
    """),
}

WITH_MODEL = {
    "float_nan": textwrap.dedent("""
        d = vp.Dictation(vp.DictationOptions(model_dir=KO, sample_format='float32'))
        x = np.zeros(16000, np.float32); x[1234] = np.nan
        expect(AudioFormatError, lambda: d.feed(x))
        d.feed(np.zeros(1600, np.float32)); d.finish(); d.close()
    """),
    "float_inf": textwrap.dedent("""
        d = vp.Dictation(vp.DictationOptions(model_dir=KO, sample_rate=48000, channels=2,
                                             sample_format='float32'))
        x = np.zeros((4800, 2), np.float32); x[100, 1] = -np.inf
        expect(AudioFormatError, lambda: d.feed(x.tobytes()))
        d.feed(np.zeros((4800, 2), np.float32)); d.finish(); d.close()
    """),
    "grammar_unknown_word": textwrap.dedent("""
        expect(InvalidArgumentError, lambda: vp.Dictation(vp.DictationOptions(model_dir=KO, phrases=['zzqxj'])))
    """),
    "two_threads_one_recognizer": textwrap.dedent("""
        d = vp.Dictation(vp.DictationOptions(model_dir=KO))
        noise = (np.random.default_rng(0).normal(0, 2000, 16000 * 4)).astype(np.int16)
        def work():
            for i in range(0, noise.size, 400):
                d.feed(noise[i:i + 400])
        ts = [threading.Thread(target=work) for _ in range(3)]
        [t.start() for t in ts]; [t.join() for t in ts]
        d.finish(); d.close()
        print("GOT no crash")
    """),
}


def _run(code: str, model: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PRELUDE + code + "\nprint('ALIVE')\n", model or "-"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)


@pytest.mark.parametrize("case", sorted(NO_MODEL))
def test_crash_input_refused_without_model(case):
    out = _run(NO_MODEL[case], None)
    assert out.returncode == 0, f"child died with {out.returncode}: {out.stderr[-2000:]}"
    assert "GOT" in out.stdout and out.stdout.rstrip().endswith("ALIVE")


@pytest.mark.skipif(KO is None, reason=SKIP_REASON)
@pytest.mark.parametrize("case", sorted(WITH_MODEL))
def test_crash_input_refused_with_model(case):
    out = _run(WITH_MODEL[case], str(KO))
    assert out.returncode == 0, f"child died with {out.returncode}: {out.stderr[-2000:]}"
    assert "GOT" in out.stdout and out.stdout.rstrip().endswith("ALIVE")
    assert out.stderr.strip() == "", f"library wrote to stderr: {out.stderr[-500:]}"
