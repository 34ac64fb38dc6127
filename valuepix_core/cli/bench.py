"""``valuepix bench`` — run the benchmark suites (pytest-benchmark) and write a Markdown report with
PNG charts (benchmarks/report.py).  Needs a source checkout (the suites live in ``benchmarks/``)
and the dev extra (pytest-benchmark) plus matplotlib."""
from __future__ import annotations

import argparse
import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path

SUITES = ("preprocess", "identify", "catalog", "dictation", "service")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="run the benchmark suites and write a Markdown report with charts",
        description="Runs benchmarks/bench_<suite>.py with pytest-benchmark (JSON per suite), then writes "
                    "OUT/report.md with a table and one PNG chart per benchmark group.")
    p.add_argument("suites", nargs="*", metavar="SUITE", help=f"suites to run (default: all of {', '.join(SUITES)})")
    p.add_argument("--out", default="bench-report", help="output folder (default ./bench-report)")
    p.add_argument("--benchmarks", default=None, metavar="DIR",
                   help="the benchmarks folder (default: ./benchmarks, else the checkout's)")
    p.add_argument("-k", dest="keyword", default=None, help="pytest -k expression to select cases")
    p.add_argument("--report-only", action="store_true", help="skip running; report the JSON files in OUT")
    p.set_defaults(func=run)


def _bench_dir(arg: str | None) -> Path:
    from ..errors import InvalidArgumentError

    cands = [Path(arg)] if arg else [Path.cwd() / "benchmarks", Path(__file__).resolve().parents[2] / "benchmarks"]
    for c in cands:
        if (c / "report.py").is_file():
            return c.resolve()
    raise InvalidArgumentError("benchmarks folder not found (run from a source checkout or pass --benchmarks DIR)")


def _load_report(bench: Path):
    spec = importlib.util.spec_from_file_location("valuepix_bench_report", bench / "report.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(args: argparse.Namespace) -> int:
    from ..errors import InvalidArgumentError

    bench = _bench_dir(args.benchmarks)
    suites = args.suites or list(SUITES)
    unknown = [s for s in suites if not (bench / f"bench_{s}.py").is_file()]
    if unknown:
        raise InvalidArgumentError(f"unknown suite(s) {unknown}; have {sorted(p.stem[6:] for p in bench.glob('bench_*.py'))}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    commands = []
    if not args.report_only:
        for s in suites:
            js = out / f"bench-{s}.json"
            cmd = [sys.executable, "-m", "pytest", str(bench / f"bench_{s}.py"), "--benchmark-enable",
                   f"--benchmark-json={js}", "-p", "no:cacheprovider", "-q", "-o", "addopts=",
                   "--rootdir", str(bench.parent)]
            if args.keyword:
                cmd += ["-k", args.keyword]
            commands.append(shlex.join(cmd))
            print(f"valuepix bench: {s} ...", file=sys.stderr, flush=True)
            rc = subprocess.call(cmd, cwd=str(bench.parent))
            if rc not in (0, 5):
                failed.append(s)
    jsons = sorted(str(p) for p in out.glob("bench-*.json") if p.stat().st_size > 0)
    if not jsons:
        print("valuepix bench: no benchmark results to report", file=sys.stderr)
        return 1
    md = _load_report(bench).write_report(jsons, out, command="; ".join(commands) or None)
    print(md)
    if failed:
        print(f"valuepix bench: suites with failures: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
