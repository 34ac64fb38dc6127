"""The README's first set-up command (the main job on the embedded default: bundled INT8 model +
SQLite catalog) must keep working: run exactly its CLI steps on the committed examples."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main_job_steps() -> list[list[str]]:
    """The `valuepix ...` steps of the README's first set-up command."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"# 1\..*?\n(.*?)\n\n", text, re.S).group(1)
    command = block.replace("\\\n", " ")
    steps = [shlex.split(part) for part in command.split("&&")]
    return [s for s in steps if s and s[0] == "valuepix"]


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", "valuepix_core.cli", *args[1:]], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_readme_main_job(tmp_path):
    steps = main_job_steps()
    assert [s[1] for s in steps] == ["identify", "catalog", "catalog"], steps
    for step in steps:  # run from a copy of the examples so the catalog file lands in tmp_path
        step = [a.replace("examples/", str(REPO / "examples") + "/") if a.startswith("examples/") else a for a in step]
        step = [str(tmp_path / a) if a.endswith(".sqlite") else a for a in step]
        res = run(step, tmp_path)
        assert res.returncode == 0, (step, res.stderr)
        if step[1] == "identify":
            assert "espresso" in res.stdout
        elif "match" in step:
            assert "Espresso cup" in res.stdout.splitlines()[0] and "UNKNOWN" not in res.stdout
            assert "USD 8.00" in res.stdout


def test_identify_json_on_examples():
    res = run(["valuepix", "identify", "--json", "--no-progress", str(REPO / "examples" / "coffee_exif6.jpg")], REPO)
    assert res.returncode == 0, res.stderr
    obj = json.loads(res.stdout.splitlines()[0])
    assert obj["labels"][0]["name"] == "espresso" and obj["category"]["key"] == "other"
