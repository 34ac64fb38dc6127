"""`valuepix identify`: table and JSON Lines output, folders, errors (in-process and as a subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import valuepix_core as vp
from valuepix_core.cli import main


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    d = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for i in range(3):
        arr = (rng.random((120 + 10 * i, 160, 3)) * 255).astype(np.uint8)
        Image.fromarray(arr).save(d / f"p{i}.jpg", quality=90)
    (d / "notes.txt").write_text("not an image")
    (d / "sub").mkdir()
    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(d / "sub" / "q.png")
    return d


def test_json_lines_match_the_library(photos, capsys):
    assert main(["identify", "--json", "--top-k", "3", str(photos)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["path"] for d in lines] == [str(photos / f"p{i}.jpg") for i in range(3)] + [str(photos / "sub" / "q.png")]
    with vp.Identifier(vp.IdentifierOptions(top_k=3)) as ident:
        ref = ident.identify(str(photos / "p1.jpg"))
    d = lines[1]
    assert [(lb["index"], lb["name"]) for lb in d["labels"]] == [(lb.index, lb.name) for lb in ref.labels]
    assert [lb["score"] for lb in d["labels"]] == pytest.approx([lb.score for lb in ref.labels])
    assert d["category"]["key"] == ref.category.key
    assert set(d["timings_ms"]) >= {"preprocess", "inference", "total"}
    assert d["model_id"] == ref.model_id


def test_table_output_and_options(photos, capsys):
    assert main(["identify", "--top-k", "2", "--variant", "fp32", "--threads", "2", "--no-progress",
                 str(photos / "p0.jpg")]) == 0
    out = capsys.readouterr().out
    assert str(photos / "p0.jpg") in out and "  1. " in out and "  2. " in out and "  3. " not in out


def test_errors_exit_non_zero(photos, tmp_path, capsys):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    assert main(["identify", "--json", str(bad), str(photos / "p0.jpg")]) == 1
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert "error" in out[0] and out[1]["labels"]
    assert main(["identify", str(tmp_path / "missing.jpg")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_console_entry_point_runs(photos):
    cmd = [sys.executable, "-m", "valuepix_core.cli", "identify", "--json", str(photos / "p0.jpg")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert len(d["labels"]) == 5 and d["category"]["name"]
