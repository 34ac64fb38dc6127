"""`valuepix dictate FILE.wav` and `valuepix dictate -` (raw PCM on stdin), end to end."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from test_dictation_support import AUDIO, SKIP_REASON, korean_model_dir, load_wav

KO = korean_model_dir()
REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(KO is None, reason=SKIP_REASON)


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "valuepix_core.cli", "dictate", *args, "--model", str(KO)],
                          input=stdin, capture_output=True, timeout=300, cwd=REPO)


def test_dictate_wav_file_json():
    out = _cli(str(AUDIO / "ko_ring.wav"), "--deterministic", "--json")
    assert out.returncode == 0, out.stderr.decode()[-2000:]
    finals = [json.loads(l) for l in out.stdout.decode().splitlines()]
    partials = [json.loads(l) for l in out.stderr.decode().splitlines()]
    assert finals and all(f["type"] == "final" for f in finals)
    assert finals[0]["text"] and finals[0]["words"] and finals[-1]["reason"] == "finish"
    assert partials and all(p["type"] == "partial" for p in partials)


def test_dictate_stdin_48k_stereo_float_matches_wav():
    import soxr

    x = load_wav("ko_camera.wav").astype(np.float32) / 32768
    y = soxr.resample(x, 16000, 48000, quality="VHQ").astype(np.float32)
    raw = np.stack([y, y], axis=1).astype("<f4").tobytes()
    a = _cli("-", "--rate", "48000", "--channels", "2", "--format", "float32", "--deterministic", stdin=raw)
    b = _cli(str(AUDIO / "ko_camera.wav"), "--deterministic")
    assert a.returncode == 0 and b.returncode == 0, a.stderr.decode()[-2000:]
    assert a.stdout.decode().strip() and a.stdout == b.stdout
    assert a.stderr.decode().count("… ") >= 1  # partials printed live on stderr


def test_dictate_reports_bad_input_cleanly():
    out = _cli("-", "--rate", "0", stdin=b"\0" * 100)
    assert out.returncode == 1 and b"sample_rate" in out.stderr
