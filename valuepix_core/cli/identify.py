"""``valuepix identify PATH...`` — identify photos with the bundled model (thin adapter)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".heic", ".heif"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "identify",
        help="identify photographed items (labels, item category, timings)",
        description="Identify the item in each photo with the bundled INT8 EfficientNet-Lite0. "
                    "PATHs are image files or folders (searched recursively for images).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    p.add_argument("--top-k", type=int, default=5, help="labels per image (default 5)")
    p.add_argument("--variant", choices=("int8", "fp32", "ort"), default="int8",
                   help="model variant (default int8)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    p.add_argument("--threshold", type=float, default=0.0, help="drop labels scoring below this")
    p.add_argument("--model", default=None, help="model name, directory or manifest.json (default: bundled)")
    p.add_argument("--json", action="store_true", help="print one JSON object per image (JSON Lines)")
    p.add_argument("--embedding", action="store_true", help="with --json: include the embedding")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def collect(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Expand folders (sorted, recursive) into image files; return (files, missing)."""
    files, missing = [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            missing.append(raw)
    return files, missing


def _table_rows(path: Path, r) -> list[str]:
    cat = f"{r.category.name} ({r.category.score:.1%})" if r.category else "-"
    t = r.timings
    head = f"{path}  —  {cat}  [{t['total']:.1f} ms: preprocess {t['preprocess']:.1f}, " \
           f"inference {t['inference']:.1f}]"
    rows = [head]
    for i, lb in enumerate(r.labels, 1):
        rows.append(f"  {i}. {lb.name:<40} {lb.score:7.2%}  (#{lb.index})")
    if not r.labels:
        rows.append("  (no label above the threshold)")
    return rows


def run(args: argparse.Namespace) -> int:
    from .. import Identifier, IdentifierOptions
    from ..errors import ValuePixError

    files, missing = collect(args.paths)
    for m in missing:
        print(f"valuepix identify: no such file or folder: {m}", file=sys.stderr)
    if not files:
        print("valuepix identify: no images found", file=sys.stderr)
        return 2
    kw = dict(variant=args.variant, top_k=args.top_k, intra_op_threads=args.threads,
              score_threshold=args.threshold)
    if args.model:
        kw["model"] = args.model
    failures = len(missing)
    progress = None
    if len(files) > 1 and not args.no_progress:
        from tqdm import tqdm

        progress = tqdm(total=len(files), unit="img", file=sys.stderr, disable=None)
    try:
        with Identifier(IdentifierOptions(**kw)) as ident:
            for path in files:
                try:
                    r = ident.identify(str(path))
                except ValuePixError as exc:
                    failures += 1
                    msg = {"path": str(path), "error": f"{type(exc).__name__}: {exc}"}
                    if args.json:
                        print(json.dumps(msg), flush=True)
                    else:
                        _write(progress, f"{path}: error: {exc}", err=True)
                else:
                    if args.json:
                        d = {"path": str(path), **r.to_dict()}
                        if args.embedding:
                            d["embedding"] = [round(float(v), 6) for v in r.embedding]
                        print(json.dumps(d), flush=True)
                    else:
                        _write(progress, "\n".join(_table_rows(path, r)))
                if progress is not None:
                    progress.update(1)
    finally:
        if progress is not None:
            progress.close()
    return 1 if failures else 0


def _write(progress, text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    if progress is not None:
        progress.write(text, file=stream)
    else:
        print(text, file=stream)
