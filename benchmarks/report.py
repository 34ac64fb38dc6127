"""Turn a pytest-benchmark JSON file into a Markdown table: per group, each implementation's
median time, throughput (Mpx/s when extra_info has pixels) and its ratio to valuepix.

    python benchmarks/report.py bench-preprocess.json [more.json ...]
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict


def table(paths: list[str]) -> str:
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            groups[b.get("group") or b["name"]].append(b)
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


if __name__ == "__main__":
    print(table(sys.argv[1:]))
