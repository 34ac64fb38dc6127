"""Turn pytest-benchmark JSON files into a Markdown report: per group, each implementation's
median time, throughput (Mpx/s when extra_info has pixels) and its ratio to valuepix — and, with
``--out DIR``, one PNG bar chart per group (matplotlib) comparing each stage with its alternatives.

    python benchmarks/report.py bench-preprocess.json [more.json ...]            # table to stdout
    python benchmarks/report.py --out report/ bench-*.json                       # report/report.md + PNGs

``valuepix bench`` runs the suites and calls :func:`write_report`.
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def load_groups(paths: list[str]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            groups[b.get("group") or b["name"]].append(b)
    return groups


def _impl(r: dict) -> str:
    return str(r["extra_info"].get("impl") or r["name"])


def table(paths: list[str]) -> str:
    groups = load_groups(paths)
    lines = ["| case | implementation | median ms | Mpx/s | time / valuepix |", "|---|---|---:|---:|---:|"]
    for group, rows in groups.items():
        ours = next((r for r in rows if r["extra_info"].get("impl") == "valuepix"), None)
        for r in sorted(rows, key=lambda r: r["stats"]["median"]):
            med = r["stats"]["median"]
            px = r["extra_info"].get("pixels")
            mpx = f"{px / med / 1e6:.0f}" if px else ""
            ratio = f"{med / ours['stats']['median']:.2f}x" if ours else ""
            lines.append(f"| {group} | {r['extra_info'].get('impl', r['name'])} | {med * 1e3:.3f} | {mpx} | {ratio} |")
    return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:60] or "group"


def _throughputs(rows: list[dict]) -> dict[str, float]:
    """extra_info keys ``<config>_throughput_rps`` (the service load test records one per config)."""
    out = {}
    for r in rows:
        for k, v in r["extra_info"].items():
            if k.endswith("_throughput_rps") and isinstance(v, (int, float)):
                out[k[: -len("_throughput_rps")]] = float(v)
    return out


def charts(paths: list[str], out_dir: str | Path) -> list[tuple[str, Path]]:
    """One PNG per group: horizontal bars of median time per implementation (valuepix highlighted,
    ratio to valuepix annotated); groups recording per-config throughput get a req/s chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for group, rows in load_groups(paths).items():
        tp = _throughputs(rows)
        if tp:
            names, values, unit, xlabel = list(tp), list(tp.values()), "req/s", "throughput (req/s, higher is better)"
        else:
            rows = sorted(rows, key=lambda r: r["stats"]["median"])
            names = [_impl(r) for r in rows]
            values = [r["stats"]["median"] * 1e3 for r in rows]
            unit, xlabel = "ms", "median time (ms, lower is better)"
        ref = next((v for n, v in zip(names, values) if n in ("valuepix", "batch")), None)
        fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(names)))
        colors = ["#2a7ab0" if n in ("valuepix", "batch") else "#9aa5ad" for n in names]
        bars = ax.barh(names, values, color=colors)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(group, fontsize=10)
        for b, v in zip(bars, values):
            label = f"{v:.3g} {unit}" + (f"  ({v / ref:.2f}x)" if ref else "")
            ax.text(b.get_width(), b.get_y() + b.get_height() / 2, " " + label, va="center", fontsize=8)
        ax.set_xlim(0, max(values) * 1.45 if values else 1)
        fig.tight_layout()
        path = out / f"{_slug(group)}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append((group, path))
    return made


def write_report(paths: list[str], out_dir: str | Path, title: str = "valuepix_core benchmarks",
                 command: str | None = None) -> Path:
    """``out_dir/report.md`` (table + one chart per group) from pytest-benchmark JSON files."""
    out = Path(out_dir)
    made = charts(paths, out)
    lines = [f"# {title}", ""]
    if command:
        lines += ["Command:", "", f"    {command}", ""]
    lines += [table(paths), ""]
    for group, png in made:
        lines += [f"## {group}", "", f"![{group}]({png.name})", ""]
    md = out / "report.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    return md


if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv[:1] == ["--out"] and len(argv) >= 3:
        print(write_report(argv[2:], argv[1]))
    else:
        print(table(argv))
