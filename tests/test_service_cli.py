"""``valuepix serve`` flag mapping and ``valuepix bench`` report generation (charts from
pytest-benchmark JSON) — no server, no benchmarks run."""
from __future__ import annotations

import json

import pytest

from valuepix_core.cli import build_parser, main


def test_serve_flags_map_onto_the_config(monkeypatch):
    pytest.importorskip("starlette")
    from valuepix_core.cli.serve import build_config

    monkeypatch.setenv("VALUEPIX_TOKEN", "from-env")
    args = build_parser().parse_args(["serve", "--port", "0", "--catalog", ":memory:", "--no-batching",
                                      "--max-batch", "4", "--max-wait-ms", "2.5", "--max-body-mb", "1",
                                      "--no-dictation"])
    cfg = build_config(args)
    assert (cfg.catalog, cfg.batching, cfg.max_batch, cfg.max_wait_ms, cfg.max_body_bytes, cfg.dictation,
            cfg.token) == (":memory:", False, 4, 2.5, 1024 * 1024, False, "from-env")
    cfg = build_config(build_parser().parse_args(["serve", "--token", "T"]))
    assert cfg.token == "T" and cfg.batching and cfg.dictation


def test_service_config_rejects_nonsense():
    from valuepix_core import InvalidArgumentError
    from valuepix_core.adapters.http import ServiceConfig

    for bad in ({"max_batch": 0}, {"max_wait_ms": -1}, {"token": " "}, {"max_body_bytes": True}):
        with pytest.raises(InvalidArgumentError):
            ServiceConfig(**bad)


def _fake_json(path, group, rows):
    path.write_text(json.dumps({"benchmarks": [
        {"name": n, "group": group, "stats": {"median": med}, "extra_info": extra} for n, med, extra in rows]}))


def test_bench_report_only_writes_markdown_and_charts(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    _fake_json(tmp_path / "bench-x.json", "resize 224", [
        ("test_a[valuepix]", 0.001, {"impl": "valuepix", "pixels": 224 * 224}),
        ("test_a[opencv]", 0.004, {"impl": "opencv", "pixels": 224 * 224})])
    _fake_json(tmp_path / "bench-service.json", "service_load_32", [
        ("test_service_load", 9.0, {"impl": "valuepix", "batch_throughput_rps": 60.0,
                                    "nobatch_throughput_rps": 50.0})])
    rc = main(["bench", "--report-only", "--out", str(tmp_path)])
    assert rc == 0
    md = (tmp_path / "report.md").read_text()
    assert "| resize 224 | opencv | 4.000 |" in md and "4.00x" in md
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["resize_224.png", "service_load_32.png"]
    for p in pngs:
        assert (tmp_path / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({p})" in md


def test_bench_unknown_suite_is_an_error(tmp_path):
    assert main(["bench", "nosuch", "--out", str(tmp_path)]) == 1
