"""Bulk import / export: JSONL (one item per line) plus an optional folder of photos.

Record format (all keys but ``item_id`` and ``name`` optional)::

    {"item_id": "rolex-116610", "name": "Rolex Submariner 116610LN", "category": "wristwatch",
     "value_low": 8000, "value_high": 10500, "currency": "USD", "attributes": {"year": 2015},
     "source": "dealer-list-2024", "images": ["rolex-116610_0.jpg"],
     "model_id": "...", "embeddings": [{"encoding": "f16", "scale": 1.0, "data": "<base64>"}]}

Import uses ``embeddings`` when they come from the catalog's model (no photo decoding at all) and
otherwise embeds ``images`` (paths relative to ``photos_dir``, default the JSONL's folder) through
the catalog's identifier.  Export writes metadata and embeddings; reference photos only when a
``photos_dir`` is asked for, re-encoded as JPEG without EXIF/GPS.  Progress bars go to stderr and
only when ``progress=True``.
"""
from __future__ import annotations

import base64
import io as _io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CatalogError, InvalidArgumentError
from . import vectors as _vectors

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif")
_FIELDS = ("category", "value_low", "value_high", "currency", "attributes", "source")


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _bar(iterable, total, desc, progress):
    if not progress:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="item", file=sys.stderr)


def _decode_embeddings(rec: dict, dim_hint: int | None) -> np.ndarray | None:
    embs = rec.get("embeddings") or []
    if not embs:
        return None
    rows = []
    for e in embs:
        blob = base64.b64decode(e["data"])
        enc = e.get("encoding", "f16")
        dim = len(blob) // (2 if enc == "f16" else 1)
        rows.append(_vectors.decode(blob, enc, float(e.get("scale", 1.0)), dim))
    return np.stack(rows)


def import_jsonl(catalog, path: str | os.PathLike, *, photos_dir: str | os.PathLike | None = None,
                 on_conflict: str = "error", progress: bool = False) -> ImportReport:
    """Import items from a JSONL file; ``on_conflict`` is "error", "skip" or "replace"."""
    if on_conflict not in ("error", "skip", "replace"):
        raise InvalidArgumentError("on_conflict must be 'error', 'skip' or 'replace'")
    path = Path(path)
    base = Path(photos_dir) if photos_dir is not None else path.parent
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip()]
    report = ImportReport()
    for n, line in enumerate(_bar(lines, len(lines), "importing", progress), 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidArgumentError(f"{path}:{n}: not JSON ({exc})") from exc
        if not isinstance(rec, dict) or "item_id" not in rec or "name" not in rec:
            raise InvalidArgumentError(f"{path}:{n}: a record needs 'item_id' and 'name'")
        _import_record(catalog, rec, base, on_conflict, report, where=f"{path}:{n}")
    return report


def _import_record(catalog, rec: dict, base: Path, on_conflict: str, report: ImportReport, where: str) -> None:
    item_id = str(rec["item_id"])
    exists = item_id in catalog
    if exists and on_conflict == "skip":
        report.skipped += 1
        return
    if exists and on_conflict == "error":
        raise CatalogError(f"{where}: item {item_id!r} already exists (use on_conflict='skip' or 'replace')")
    emb = _decode_embeddings(rec, catalog.dim)
    model = rec.get("model_id")
    images = [str(base / p) for p in rec.get("images") or []]
    # stored embeddings are used when they come from the catalog's model; else photos are re-embedded
    use_emb = emb is not None and bool(model) and catalog.model_id in (None, model)
    kwargs: dict[str, Any] = {k: rec[k] for k in _FIELDS if k in rec and rec[k] is not None}
    if use_emb:
        kwargs.update(embeddings=emb, model_id=model)
    elif images:
        kwargs.update(images=images)
    elif emb is not None:
        from ..errors import CatalogModelMismatchError

        raise CatalogModelMismatchError(
            f"{where}: embeddings are from model {model!r}, the catalog holds {catalog.model_id!r}, "
            "and the record lists no photos to re-embed")
    if exists:
        has_refs = "embeddings" in kwargs or "images" in kwargs  # else keep the current references
        catalog.update_item(item_id, name=str(rec["name"]), replace_references=has_refs, **kwargs)
        report.updated += 1
    else:
        catalog.add_item(item_id, str(rec["name"]), **kwargs)
        report.added += 1


def import_folder(catalog, folder: str | os.PathLike, *, category: str | None = None,
                  on_conflict: str = "error", progress: bool = False) -> ImportReport:
    """One item per photo file (id = file stem) and one per sub-folder (id = folder name, every
    photo inside is a reference).  Names are the ids with ``_`` / ``-`` as spaces."""
    folder = Path(os.path.abspath(folder))
    if not folder.is_dir():
        raise InvalidArgumentError(f"{folder} is not a folder")
    entries: list[tuple[str, list[str]]] = []
    for p in sorted(folder.iterdir()):
        if p.is_dir():
            imgs = sorted(str(x) for x in p.iterdir() if x.suffix.lower() in IMAGE_SUFFIXES)
            if imgs:
                entries.append((p.name, imgs))
        elif p.suffix.lower() in IMAGE_SUFFIXES:
            entries.append((p.stem, [str(p)]))
    report = ImportReport()
    for item_id, imgs in _bar(entries, len(entries), "importing", progress):
        name = re.sub(r"[_\-]+", " ", item_id).strip() or item_id
        rec = {"item_id": item_id, "name": name, "source": f"folder:{folder.name}"}
        if category is not None:
            rec["category"] = category
        rec["images"] = imgs
        _import_record(catalog, rec, Path("/"), on_conflict, report, where=str(folder))
    return report


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", s)[:80] or "item"


def _reencode_without_metadata(src: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(src) as im:
        im = ImageOps.exif_transpose(im).convert("RGB")
        # Rebuild from raw pixels: a new image has an empty ``info``, so nothing of the source
        # (EXIF/GPS, COM comment -- which Pillow's JPEG writer copies from ``info`` --, XMP, ICC
        # profile, IPTC/Photoshop blocks, DPI) can reach the export.
        clean = Image.frombytes("RGB", im.size, im.tobytes())
    clean.info = {}
    buf = _io.BytesIO()
    clean.save(buf, format="JPEG", quality=92)  # no exif / icc_profile / comment / xmp arguments
    return buf.getvalue()


def export_jsonl(catalog, path: str | os.PathLike, *, include_embeddings: bool = True,
                 photos_dir: str | os.PathLike | None = None, category: str | None = None,
                 progress: bool = False) -> int:
    """Write every item (optionally one category) as JSONL; returns the number written.

    ``photos_dir``: also write each item's reference photos that still exist at the path they
    were enrolled from, re-encoded without EXIF/GPS, and list them under ``images``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdir = Path(photos_dir) if photos_dir is not None else None
    if pdir is not None:
        pdir.mkdir(parents=True, exist_ok=True)
    n = 0
    total = len(catalog)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for it in _bar(catalog.items(category), total, "exporting", progress):
            rec: dict[str, Any] = {k: it[k] for k in ("item_id", "name", "category", "value_low", "value_high",
                                                      "currency", "attributes", "source", "updated")}
            if include_embeddings or pdir is not None:
                mat, refs = catalog.reference_embeddings(it["item_id"])
                if include_embeddings and len(mat):
                    rec["model_id"] = catalog.model_id
                    rec["embeddings"] = [{"encoding": "f16", "scale": 1.0,
                                          "data": base64.b64encode(_vectors.encode(v, "f16")[0]).decode("ascii")}
                                         for v in mat]
                if pdir is not None:
                    images = []
                    for j, ref in enumerate(refs):
                        if ref and os.path.isfile(ref):
                            name = f"{_safe(it['item_id'])}_{j}.jpg"
                            (pdir / name).write_bytes(_reencode_without_metadata(ref))
                            images.append(os.path.relpath(pdir / name, path.parent))
                    if images:
                        rec["images"] = images
            fh.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n
