"""``valuepix catalog add | import | export | list | remove | match`` — thin adapters over
:class:`valuepix_core.Catalog` and :mod:`valuepix_core.catalog.io`.

The catalog file is ``--catalog PATH``, default ``$VALUEPIX_CATALOG`` or
``./valuepix_catalog.sqlite``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

DEFAULT_NAME = "valuepix_catalog.sqlite"


def default_path() -> str:
    return os.environ.get("VALUEPIX_CATALOG") or os.path.join(os.getcwd(), DEFAULT_NAME)


def _open(args, **kw):
    from ..catalog import Catalog

    return Catalog(args.catalog, **kw)


def _attrs(pairs: list[str] | None) -> dict:
    out: dict = {}
    for p in pairs or []:
        if "=" not in p:
            from ..errors import InvalidArgumentError

            raise InvalidArgumentError(f"--attr expects KEY=VALUE, got {p!r}")
        k, v = p.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def _cmd_add(args) -> int:
    with _open(args) as cat:
        cat.add_item(args.item_id, args.name, category=args.category, value_low=args.low, value_high=args.high,
                     currency=args.currency, attributes=_attrs(args.attr), images=args.image or ())
        it = cat.get_item(args.item_id)
    print(f"added {it['item_id']} ({it['name']}), {it['reference_count']} reference photo(s)")
    return 0


def _cmd_import(args) -> int:
    from ..catalog import io as cio

    with _open(args) as cat:
        if args.folder:
            rep = cio.import_folder(cat, args.folder, category=args.category, on_conflict=args.on_conflict,
                                    progress=not args.no_progress)
        else:
            if not args.file:
                from ..errors import InvalidArgumentError

                raise InvalidArgumentError("give a JSONL file or --folder DIR")
            rep = cio.import_jsonl(cat, args.file, photos_dir=args.photos, on_conflict=args.on_conflict,
                                   progress=not args.no_progress)
        total = len(cat)
    print(f"added {rep.added}, updated {rep.updated}, skipped {rep.skipped}; catalog has {total} items")
    return 0


def _cmd_export(args) -> int:
    from ..catalog import io as cio

    with _open(args) as cat:
        n = cio.export_jsonl(cat, args.file, include_embeddings=not args.no_embeddings, photos_dir=args.photos,
                             category=args.category, progress=not args.no_progress)
    print(f"exported {n} items to {args.file}")
    return 0


def _fmt_value(lo, hi, cur) -> str:
    if lo is None and hi is None:
        return "-"
    return f"{cur} {lo if lo is not None else hi:,.2f}–{hi if hi is not None else lo:,.2f}"


def _cmd_list(args) -> int:
    with _open(args) as cat:
        rows = list(cat.items(args.category))
    if args.json:
        for r in rows:
            print(json.dumps(r, sort_keys=True, ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r['item_id']}\t{r['name']}\t{r['category'] or '-'}\t"
              f"{_fmt_value(r['value_low'], r['value_high'], r['currency'])}")
    print(f"{len(rows)} item(s)", file=sys.stderr)
    return 0


def _cmd_remove(args) -> int:
    with _open(args) as cat:
        for item_id in args.item_id:
            cat.remove_item(item_id)
            print(f"removed {item_id}")
    return 0


def _cmd_match(args) -> int:
    with _open(args) as cat:
        res = cat.match(args.photo, k=args.k, category=args.category)
    if args.json:
        out = {"unknown": res.unknown, "reason": res.reason, "top_similarity": res.top_similarity,
               "margin": res.margin,
               "matches": [{"item_id": m.item_id, "name": m.name, "similarity": round(m.similarity, 4),
                            "confidence": round(m.confidence, 4)} for m in res.matches],
               "valuation": None if res.valuation is None else {
                   "low": res.valuation.low, "likely": res.valuation.likely, "high": res.valuation.high,
                   "currency": res.valuation.currency, "explanation": res.valuation.explanation,
                   "contributors": [{"item_id": c.item_id, "weight": round(c.weight, 4)}
                                    for c in res.valuation.contributors]}}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    verdict = "UNKNOWN (" + res.reason + ")" if res.unknown else f"match: {res.matches[0].name}"
    print(verdict)
    for i, m in enumerate(res.matches, 1):
        print(f"{i}. {m.item_id}\t{m.name}\tsimilarity {m.similarity:.3f}\tconfidence {m.confidence:.2f}")
    if res.valuation is not None:
        print("value: " + res.valuation.explanation)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("catalog", help="reference items: add, import, export, list, remove, match",
                              description="Reference items: add, import, export, list, remove, match. "
                              "The catalog file is --catalog PATH (default $VALUEPIX_CATALOG or ./valuepix_catalog.sqlite).")
    p.add_argument("--catalog", default=default_path(),
                   help=f"catalog file (default $VALUEPIX_CATALOG or ./{DEFAULT_NAME})")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--catalog", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="catalog_command", metavar="ACTION")

    a = sub.add_parser("add", parents=[common], help="add one item with reference photos")
    a.add_argument("item_id")
    a.add_argument("name")
    a.add_argument("--image", action="append", metavar="PHOTO", help="reference photo (repeatable)")
    a.add_argument("--category")
    a.add_argument("--low", type=float, help="value low")
    a.add_argument("--high", type=float, help="value high")
    a.add_argument("--currency", default="USD")
    a.add_argument("--attr", action="append", metavar="KEY=VALUE", help="attribute (repeatable; JSON values ok)")
    a.set_defaults(func=_cmd_add)

    i = sub.add_parser("import", parents=[common], help="bulk import a JSONL file or a folder of photos")
    i.add_argument("file", nargs="?", help="JSONL, one item per line")
    i.add_argument("--photos", metavar="DIR", help="folder the records' images are relative to")
    i.add_argument("--folder", metavar="DIR", help="one item per photo / per sub-folder instead of JSONL")
    i.add_argument("--category", help="category for --folder items")
    i.add_argument("--on-conflict", choices=("error", "skip", "replace"), default="error")
    i.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    i.set_defaults(func=_cmd_import)

    e = sub.add_parser("export", parents=[common], help="export items as JSONL (photos only if asked)")
    e.add_argument("file")
    e.add_argument("--photos", metavar="DIR", help="also write reference photos here (EXIF/GPS stripped)")
    e.add_argument("--no-embeddings", action="store_true")
    e.add_argument("--category")
    e.add_argument("--no-progress", action="store_true")
    e.set_defaults(func=_cmd_export)

    ls = sub.add_parser("list", parents=[common], help="list items")
    ls.add_argument("--category")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_cmd_list)

    r = sub.add_parser("remove", parents=[common], help="remove items and all their embeddings")
    r.add_argument("item_id", nargs="+")
    r.set_defaults(func=_cmd_remove)

    m = sub.add_parser("match", parents=[common], help="match a photo against the catalog")
    m.add_argument("photo")
    m.add_argument("-k", type=int, default=5)
    m.add_argument("--category")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=_cmd_match)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
