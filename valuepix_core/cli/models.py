"""``valuepix models list`` and ``valuepix models fetch NAME``."""
from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="list or fetch models (Vosk speech models, image models)")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION")
    ls = sub.add_parser("list", help="list known, installed and shipped models")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    f = sub.add_parser("fetch", help="download, verify (sha256) and unpack a known Vosk model")
    f.add_argument("name", help="model name (see `valuepix models list`)")
    f.add_argument("--dest", help="directory to unpack into (default: $VALUEPIX_VOSK_MODELS_HOME "
                                  "or ~/.cache/valuepix/vosk)")
    f.add_argument("--sha256", help="expected sha256 of the archive (required if none is pinned)")
    f.add_argument("--base-url", help="mirror to download from instead of the model's URL")
    f.add_argument("--force", action="store_true", help="re-download even if installed")
    f.add_argument("--quiet", action="store_true", help="no progress bar")
    f.set_defaults(func=run_fetch)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _image_models() -> list[dict]:
    from .._resources import models_root

    out = []
    root = models_root()
    if not root.is_dir():
        return out
    for manifest in sorted(root.glob("*/manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            out.append({"kind": "image", "name": manifest.parent.name, "path": str(manifest.parent),
                        "error": f"unreadable manifest: {exc}"})
            continue
        file = data.get("file")
        out.append({"kind": "image", "name": data.get("name", manifest.parent.name),
                    "version": data.get("version"), "path": str(manifest.parent), "file": file,
                    "present": bool(file) and (manifest.parent / str(file)).is_file()})
    return out


def _vosk_models() -> list[dict]:
    from ..dictation.fetch import KNOWN_MODELS
    from ..dictation.model_locator import available_models, models_home

    located = available_models()
    rows = []
    for m in located:
        rows.append({"kind": "vosk", "name": m.name, "path": str(m.path), "source": m.source,
                     "installed": True})
    have = {m.name for m in located}
    for k in KNOWN_MODELS.values():
        if k.name in have:
            continue
        rows.append({"kind": "vosk", "name": k.name, "lang": k.lang, "url": k.url,
                     "size_mb": round(k.size_bytes / 2**20) if k.size_bytes else None,
                     "sha256_pinned": bool(k.sha256), "installed": False,
                     "fetch_to": str(models_home() / k.name)})
    return rows


def run_list(args) -> int:
    rows = _vosk_models() + _image_models()
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print("Vosk speech models:")
    for r in (r for r in rows if r["kind"] == "vosk"):
        if r["installed"]:
            print(f"  * {r['name']:<32} {r['source']:<24} {r['path']}")
        else:
            hint = "" if r["sha256_pinned"] else "  (needs --sha256)"
            print(f"    {r['name']:<32} {'fetchable, ~%s MB' % r['size_mb']:<24} "
                  f"valuepix models fetch {r['name']}{hint}")
    print("Image models:")
    images = [r for r in rows if r["kind"] == "image"]
    if not images:
        print("    (none shipped)")
    for r in images:
        state = r.get("error") or ("ok" if r.get("present") else "file missing")
        print(f"  * {r['name']:<32} {str(r.get('version') or ''):<10} {state:<14} {r['path']}")
    return 0


def run_fetch(args) -> int:
    from ..dictation.fetch import fetch_model

    bar = None
    progress = None
    if not args.quiet:
        from tqdm import tqdm

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                           desc=args.name, file=sys.stderr, initial=done)
                return
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)
    try:
        path = fetch_model(args.name, args.dest, sha256=args.sha256, base_url=args.base_url,
                           progress=progress, force=args.force)
    finally:
        if bar is not None:
            bar.close()
    print(path)
    return 0
