"""The :class:`Catalog`: reference items with value ranges, enrolled from photos, matched by
cosine similarity with an open-set "unknown" verdict.  Wires together store (SQLite), vectors
(encodings), index (exact / ANN), matching (verdict, confidence) and valuation.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..errors import (CatalogCorruptError, CatalogError, CatalogModelMismatchError,
                      InvalidArgumentError, ItemNotFoundError)
from . import store as _store
from . import vectors as _vectors
from ._rwlock import RWLock
from .index import ExactIndex, FaissIVFIndex, VectorIndex, ann_available
from .matching import Calibration, Match, MatchResult, aggregate_items, calibration_for, verdict
from .valuation import estimate

_UNSET: Any = object()

#: ``index="auto"`` switches to the ANN backend above this many reference embeddings.
ANN_THRESHOLD = 100_000


class Catalog:
    """Reference items and their embeddings in an SQLite file (or ``":memory:"``).

    ``Catalog(path, identifier=None)``: ``identifier`` embeds photos (a
    :class:`valuepix_core.Identifier`); when omitted, a default one is created the first time a
    photo needs embedding and closed with the catalog.

    Keyword options: ``index`` ("auto", "exact" or "ann"), ``encoding`` of stored embeddings
    ("f16" or "i8"), ``calibration`` (a :class:`~valuepix_core.catalog.matching.Calibration`;
    default: the calibrated one for the catalog's model), ``exact_dtype`` of the exact search matrix
    ("float32": numpy matmul; "float16": faiss SIMD scan, half the memory and time; "auto":
    float16 when faiss is installed and no ``mmap_path`` is given), ``mmap_path`` (memory-map the exact search matrix to this file).
    """

    def __init__(self, path: str | os.PathLike = ":memory:", identifier=None, *, index: str = "auto",
                 encoding: str = "f16", calibration: Calibration | None = None,
                 exact_dtype: str = "auto", mmap_path: str | None = None,
                 ann_threshold: int = ANN_THRESHOLD, readonly: bool = False):
        if index not in ("auto", "exact", "ann"):
            raise InvalidArgumentError("index must be 'auto', 'exact' or 'ann'")
        if encoding not in _vectors.ENCODINGS:
            raise InvalidArgumentError(f"encoding must be one of {_vectors.ENCODINGS}")
        if (index == "ann" or exact_dtype == "float16") and not ann_available():
            raise CatalogError("index='ann' and exact_dtype='float16' need the optional 'faiss-cpu' package "
                               "(pip install 'valuepix_core[ann]')")
        if exact_dtype == "auto":
            exact_dtype = "float16" if (ann_available() and mmap_path is None) else "float32"
        if exact_dtype not in ("float32", "float16"):
            raise InvalidArgumentError("exact_dtype must be 'auto', 'float32' or 'float16'")
        self._store = _store.Store(path, readonly=readonly)
        self.path = self._store.path
        self._closed = True  # until fully initialised (close() / __del__ are then no-ops)
        try:
            self._init_state(identifier, index, encoding, calibration, exact_dtype, mmap_path, ann_threshold)
        except BaseException:
            self._store.close()
            raise
        self._closed = False

    def _init_state(self, identifier, index, encoding, calibration, exact_dtype, mmap_path,
                    ann_threshold) -> None:
        self._identifier = identifier
        self._own_identifier = False
        self._index_kind = index
        self._encoding = encoding
        self._calibration_override = calibration
        self._exact_dtype = exact_dtype
        self._mmap_path = mmap_path
        self._ann_threshold = int(ann_threshold)
        self._write_lock = threading.RLock()
        self._rw = RWLock()
        self._index: VectorIndex | None = None
        self._emb_item: dict[int, str] = {}
        self._item_embs: dict[str, list[int]] = {}
        self._item_cat: dict[str, str | None] = {}
        self._cat_cache: dict[str | None, np.ndarray] = {}
        models = self._store.model_ids()
        if len(models) > 1:  # pragma: no cover - refused at write time, so only a hand-edited db
            raise CatalogModelMismatchError(f"catalog {self.path!r} mixes embedding models {models}")
        self._model_id: str | None = models[0] if models else None
        dim = self._store.get_meta("dim")
        self._dim: int | None = int(dim) if dim and self._model_id else None

    # --- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._rw.write():
            if self._index is not None:
                self._index.close()
                self._index = None
        self._store.close()
        if self._own_identifier and self._identifier is not None:
            self._identifier.close()
            self._identifier = None

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass

    def _check_open(self) -> None:
        if self._closed:
            raise CatalogError("catalog is closed")

    def _check_writable(self) -> None:
        self._check_open()
        if self._store.readonly:
            raise CatalogError(f"catalog {self.path!r} opened read-only; adding, updating or removing "
                               "items is not allowed")

    @property
    def readonly(self) -> bool:
        return self._store.readonly

    # --- properties ------------------------------------------------------------------------
    @property
    def model_id(self) -> str | None:
        """Id of the model every stored embedding comes from (None while there are none)."""
        return self._model_id

    @property
    def dim(self) -> int | None:
        return self._dim

    @property
    def calibration(self) -> Calibration:
        return self._calibration_override or calibration_for(self._model_id)

    @property
    def schema_version(self) -> int:
        return self._store.schema_version()

    def __len__(self) -> int:
        self._check_open()
        return self._store.count("items")

    def __contains__(self, item_id: object) -> bool:
        if not isinstance(item_id, str) or not _is_utf8(item_id):
            return False
        return self._store.get_item(item_id) is not None

    def stats(self) -> dict[str, Any]:
        self._check_open()
        idx = self._index
        return {"path": self.path, "items": self._store.count("items"),
                "embeddings": self._store.count("embeddings"), "model_id": self._model_id,
                "dim": self._dim, "schema_version": self.schema_version,
                "index": None if idx is None else idx.kind,
                "index_memory_bytes": None if idx is None else idx.memory_bytes}

    # --- identifier ------------------------------------------------------------------------
    def _get_identifier(self):
        if self._identifier is None:
            from ..identify import Identifier  # heavy (onnxruntime): only when photos are given

            self._identifier = Identifier()
            self._own_identifier = True
        return self._identifier

    def embed_images(self, images: Sequence) -> tuple[np.ndarray, str, list[str | None]]:
        """Embed photos with the identifier: ``(embeddings (n, d), model_id, categories)``."""
        ident = self._get_identifier()
        results = ident.identify_batch(list(images))
        if not results:
            raise InvalidArgumentError("no images to embed")
        model_ids = {r.model_id for r in results}
        if len(model_ids) != 1:  # pragma: no cover - one identifier has one model
            raise CatalogModelMismatchError(f"images were embedded by different models: {sorted(model_ids)}")
        emb = np.stack([np.asarray(r.embedding, dtype=np.float32) for r in results])
        cats = [getattr(r, "category", None) for r in results]
        cats = [c if c is None or isinstance(c, str) else getattr(c, "key", None) for c in cats]
        return emb, results[0].model_id, cats

    # --- validation helpers ----------------------------------------------------------------
    def _check_model(self, model_id: str, dim: int) -> None:
        if self._model_id is not None and model_id != self._model_id:
            raise CatalogModelMismatchError(
                f"catalog {self.path!r} holds embeddings of model {self._model_id!r}; refusing "
                f"embeddings of model {model_id!r} (re-embed the catalog or use a separate one)")
        if self._dim is not None and dim != self._dim:
            raise InvalidArgumentError(f"embedding dimension {dim} does not match the catalog's {self._dim}")

    @staticmethod
    def _check_fields(item_id, name, value_low, value_high, currency, attributes, *,
                      category=None, source=None) -> None:
        _check_item_id(item_id)
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("name must be a non-empty string")
        _check_utf8(name, "name")
        for v, what in ((category, "category"), (source, "source")):
            if v is not None and not isinstance(v, str):
                raise InvalidArgumentError(f"{what} must be a string or None")
            _check_utf8(v, what)
        for v, what in ((value_low, "value_low"), (value_high, "value_high")):
            if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)
                                  or not math.isfinite(v) or v < 0):
                raise InvalidArgumentError(f"{what} must be a finite non-negative number or None")
        if value_low is not None and value_high is not None and value_low > value_high:
            raise InvalidArgumentError("value_low must not exceed value_high")
        if not isinstance(currency, str) or not currency.strip():
            raise InvalidArgumentError("currency must be a non-empty string such as 'USD'")
        _check_utf8(currency, "currency")
        if attributes is not None and not isinstance(attributes, Mapping):
            raise InvalidArgumentError("attributes must be a mapping (JSON object)")
        if attributes:
            _check_json_text(attributes, "attributes")
            try:
                json.dumps(dict(attributes), sort_keys=True)
            except (TypeError, ValueError) as exc:
                raise InvalidArgumentError(f"attributes must be JSON-serialisable: {exc}") from exc

    def _prepare_refs(self, images, embeddings, model_id) -> tuple[np.ndarray | None, str | None, list, list]:
        """Embed ``images`` and/or validate ``embeddings``; returns (matrix, model, image_refs, categories)."""
        images = list(images) if images is not None else []
        mats, refs, cats = [], [], []
        model: str | None = None
        if images:
            emb, model, cats = self.embed_images(images)
            mats.append(emb)
            refs.extend(os.fspath(im) if isinstance(im, (str, os.PathLike)) else None for im in images)
        if embeddings is not None:
            if hasattr(embeddings, "embedding") and hasattr(embeddings, "model_id"):
                embeddings, model_id = embeddings.embedding, embeddings.model_id
            emb = _vectors.as_embedding_matrix(embeddings)
            m = model_id or self._model_id
            if m is None:
                raise InvalidArgumentError("model_id is required with raw embeddings for an empty catalog")
            if model is not None and m != model:
                raise CatalogModelMismatchError(f"embeddings of model {m!r} mixed with photos embedded by {model!r}")
            model = m
            mats.append(emb)
            refs.extend([None] * emb.shape[0])
        if not mats:
            return None, None, [], []
        mat = _vectors.as_embedding_matrix(np.concatenate(mats))
        self._check_model(model, mat.shape[1])
        return mat, model, refs, cats

    # --- writes ----------------------------------------------------------------------------
    def add_item(self, item_id: str, name: str, *, category: str | None = None,
                 value_low: float | None = None, value_high: float | None = None,
                 currency: str = "USD", attributes: Mapping[str, Any] | None = None,
                 images: Iterable = (), embeddings=None, model_id: str | None = None,
                 source: str | None = None) -> None:
        """Add an item and its reference embeddings (from ``images`` through the identifier and/or
        precomputed ``embeddings`` of ``model_id``).  Raises :class:`CatalogError` if the id exists."""
        self._check_writable()
        self._check_fields(item_id, name, value_low, value_high, currency, attributes,
                           category=category, source=source)
        mat, model, refs, cats = self._prepare_refs(images, embeddings, model_id)
        if category is None:
            cats = [c for c in cats if c]
            category = Counter(cats).most_common(1)[0][0] if cats else None
        with self._write_lock:
            if mat is not None:
                self._check_model(model, mat.shape[1])
            with self._store.transaction() as con:
                if con.execute("SELECT 1 FROM items WHERE item_id=?", (item_id,)).fetchone():
                    raise CatalogError(f"item {item_id!r} already exists (use update_item)")
                con.execute(
                    "INSERT INTO items(item_id, name, category, attributes, value_low, value_high, "
                    "currency, source, updated) VALUES (?,?,?,?,?,?,?,?,?)",
                    (item_id, name, category, json.dumps(dict(attributes or {}), sort_keys=True),
                     value_low, value_high, currency.strip().upper(), source, _store.now_iso()))
                emb_ids = self._insert_embeddings(con, item_id, mat, model, refs)
            self._after_insert(item_id, category, emb_ids, mat, model)

    def _insert_embeddings(self, con, item_id, mat, model, refs) -> list[int]:
        if mat is None:
            return []
        now = _store.now_iso()
        ids = []
        for vec, ref in zip(mat, refs):
            blob, scale = _vectors.encode(vec, self._encoding)
            cur = con.execute(
                "INSERT INTO embeddings(item_id, model_id, encoding, scale, vector, image_ref, created) "
                "VALUES (?,?,?,?,?,?,?)", (item_id, model, self._encoding, scale, blob, ref, now))
            ids.append(cur.lastrowid)
        if self._dim is None:
            _store.Store.set_meta(con, "dim", str(mat.shape[1]))
            _store.Store.set_meta(con, "model_id", model)
        return ids

    def _after_insert(self, item_id, category, emb_ids, mat, model) -> None:
        if mat is not None and emb_ids:
            if self._model_id is None:
                self._model_id, self._dim = model, int(mat.shape[1])
            with self._rw.write():
                self._item_cat[item_id] = category
                self._cat_cache.clear()
                self._item_embs.setdefault(item_id, []).extend(emb_ids)
                for e in emb_ids:
                    self._emb_item[e] = item_id
                if self._index is not None:
                    # the index holds what the store decodes, so a reopen gives identical results
                    self._index.add(np.asarray(emb_ids, dtype=np.int64), self._roundtrip(mat))
        else:
            with self._rw.write():
                self._item_cat[item_id] = category
                self._cat_cache.clear()

    def _roundtrip(self, mat: np.ndarray) -> np.ndarray:
        out = np.empty_like(mat)
        for i, v in enumerate(mat):
            blob, scale = _vectors.encode(v, self._encoding)
            out[i] = _vectors.decode(blob, self._encoding, scale, mat.shape[1])
        return out

    def update_item(self, item_id: str, *, name: str = _UNSET, category: str | None = _UNSET,
                    value_low: float | None = _UNSET, value_high: float | None = _UNSET,
                    currency: str = _UNSET, attributes: Mapping[str, Any] | None = _UNSET,
                    source: str | None = _UNSET, images: Iterable = (), embeddings=None,
                    model_id: str | None = None, replace_references: bool = False) -> None:
        """Change fields of an item (only those passed) and/or add reference embeddings;
        ``replace_references=True`` first deletes the item's existing embeddings."""
        self._check_writable()
        cur = self.get_item(item_id)
        new = {"name": cur["name"] if name is _UNSET else name,
               "category": cur["category"] if category is _UNSET else category,
               "value_low": cur["value_low"] if value_low is _UNSET else value_low,
               "value_high": cur["value_high"] if value_high is _UNSET else value_high,
               "currency": cur["currency"] if currency is _UNSET else currency,
               "attributes": cur["attributes"] if attributes is _UNSET else (attributes or {}),
               "source": cur["source"] if source is _UNSET else source}
        self._check_fields(item_id, new["name"], new["value_low"], new["value_high"], new["currency"],
                           new["attributes"], category=new["category"], source=new["source"])
        mat, model, refs, _ = self._prepare_refs(images, embeddings, model_id)
        with self._write_lock:
            with self._store.transaction() as con:
                removed = []
                if replace_references:
                    removed = [r[0] for r in con.execute("SELECT emb_id FROM embeddings WHERE item_id=?",
                                                         (item_id,)).fetchall()]
                    con.execute("DELETE FROM embeddings WHERE item_id=?", (item_id,))
                n = con.execute("UPDATE items SET name=?, category=?, attributes=?, value_low=?, value_high=?, "
                                "currency=?, source=?, updated=? WHERE item_id=?",
                                (new["name"], new["category"], json.dumps(dict(new["attributes"]), sort_keys=True),
                                 new["value_low"], new["value_high"], new["currency"].strip().upper(),
                                 new["source"], _store.now_iso(), item_id)).rowcount
                if n == 0:  # removed by another thread or process since get_item
                    raise ItemNotFoundError(item_id)
                emb_ids = self._insert_embeddings(con, item_id, mat, model, refs)
            if removed:
                self._forget_embeddings(item_id, removed)
            self._after_insert(item_id, new["category"], emb_ids, mat, model)
        if removed:
            self._store.checkpoint()

    def _forget_embeddings(self, item_id: str, emb_ids: list[int]) -> None:
        with self._rw.write():
            for e in emb_ids:
                self._emb_item.pop(e, None)
            left = [e for e in self._item_embs.get(item_id, []) if e not in set(emb_ids)]
            self._item_embs[item_id] = left
            self._cat_cache.clear()
            if self._index is not None and emb_ids:
                self._index.remove(np.asarray(emb_ids, dtype=np.int64))
            if not self._emb_item and self._store.count("embeddings") == 0:
                self._model_id, self._dim = None, None  # empty again: any model may be enrolled

    def remove_item(self, item_id: str) -> None:
        """Delete the item and every reference embedding of it (rows are zeroed on disk:
        ``secure_delete`` plus a WAL checkpoint).  Raises :class:`ItemNotFoundError`."""
        self._check_writable()
        _check_item_id(item_id)
        with self._write_lock:
            with self._store.transaction() as con:
                emb_ids = [r[0] for r in con.execute("SELECT emb_id FROM embeddings WHERE item_id=?",
                                                     (item_id,)).fetchall()]
                con.execute("DELETE FROM embeddings WHERE item_id=?", (item_id,))
                n = con.execute("DELETE FROM items WHERE item_id=?", (item_id,)).rowcount
                if n == 0:
                    raise ItemNotFoundError(item_id)
                if con.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 0:
                    con.execute("DELETE FROM meta WHERE key IN ('model_id', 'dim')")
            self._forget_embeddings(item_id, emb_ids)
            with self._rw.write():
                self._item_embs.pop(item_id, None)
                self._item_cat.pop(item_id, None)
        self._store.checkpoint()

    # --- reads -----------------------------------------------------------------------------
    def get_item(self, item_id: str) -> dict[str, Any]:
        """The item's fields plus ``reference_count``.  Raises :class:`ItemNotFoundError`."""
        self._check_open()
        _check_item_id(item_id)
        it = self._store.get_item(item_id)
        if it is None:
            raise ItemNotFoundError(item_id)
        it["reference_count"] = self._store.execute(
            "SELECT count(*) FROM embeddings WHERE item_id=?", (item_id,))[0][0]
        return it

    def items(self, category: str | None = None) -> Iterator[dict[str, Any]]:
        """All items (sorted by id), optionally only one category."""
        self._check_open()
        return self._store.iter_items(category)

    def reference_embeddings(self, item_id: str) -> tuple[np.ndarray, list[str | None]]:
        """The item's stored reference embeddings (float32, unit length) and their image refs."""
        self._check_open()
        vecs, refs = [], []
        for batch in self._store.iter_embeddings(item_id=item_id):
            for (_e, _i, _c, _m, enc, scale, blob, ref) in batch:
                vecs.append(_vectors.decode(blob, enc, scale, self._dim or len(blob) // 2))
                refs.append(ref)
        mat = np.stack(vecs) if vecs else np.zeros((0, self._dim or 0), dtype=np.float32)
        return mat, refs

    # --- index -----------------------------------------------------------------------------
    def _ensure_index(self) -> VectorIndex | None:
        if self._index is not None or self._dim is None:
            return self._index
        # the write lock keeps writers from committing rows between this load and their own
        # index update (which would add them twice)
        with self._write_lock, self._rw.write():
            if self._index is not None:
                return self._index
            n = self._store.count("embeddings")
            kind = self._index_kind
            if kind == "auto":
                kind = "ann" if (n > self._ann_threshold and ann_available()) else "exact"
            idx: VectorIndex
            if kind == "ann":
                idx = FaissIVFIndex(self._dim)
            else:
                idx = ExactIndex(self._dim, dtype=self._exact_dtype, mmap_path=self._mmap_path,
                                 capacity=max(1024, n))
            self._emb_item.clear()
            self._item_embs.clear()
            self._item_cat.clear()
            for it in self._store.iter_items():
                self._item_cat[it["item_id"]] = it["category"]
            for batch in self._store.iter_embeddings():
                ids = np.array([r[0] for r in batch], dtype=np.int64)
                try:
                    mat = _vectors.decode_many([r[6] for r in batch], [r[4] for r in batch],
                                               [r[5] for r in batch], self._dim)
                except (InvalidArgumentError, TypeError, ValueError) as exc:
                    raise CatalogCorruptError(f"catalog {self.path!r} holds a damaged embedding: {exc}") from exc
                if not np.isfinite(mat).all():
                    raise CatalogCorruptError(f"catalog {self.path!r} holds a damaged embedding (NaN/inf)")
                for r in batch:
                    self._emb_item[r[0]] = r[1]
                    self._item_embs.setdefault(r[1], []).append(r[0])
                idx.add(ids, mat)
            self._index = idx
        return idx

    def _category_ids(self, category: str) -> np.ndarray:
        arr = self._cat_cache.get(category)
        if arr is None:
            arr = np.array(sorted(e for e, it in self._emb_item.items() if self._item_cat.get(it) == category),
                           dtype=np.int64)
            self._cat_cache[category] = arr
        return arr

    def _query_vectors(self, photo_or_embedding) -> np.ndarray:
        x = photo_or_embedding
        if hasattr(x, "embedding") and hasattr(x, "model_id"):  # an IdentifyResult
            if self._model_id is not None and x.model_id != self._model_id:
                raise CatalogModelMismatchError(
                    f"query embedded by model {x.model_id!r}; catalog holds {self._model_id!r}")
            x = x.embedding
        elif isinstance(x, np.ndarray) and (x.ndim == 1 or (
                x.dtype.kind == "f" and x.ndim == 2 and x.shape[0] == 1 and x.shape[1] == self._dim)):
            pass  # an embedding (validated below); photos are 2-D or 3-D pixel arrays
        elif isinstance(x, (list, tuple)) and x and all(isinstance(v, float) for v in x):
            x = np.asarray(x, dtype=np.float64)
        else:  # a photo: anything preprocess accepts
            r = self._get_identifier().identify(x)
            if self._model_id is not None and r.model_id != self._model_id:
                raise CatalogModelMismatchError(
                    f"the identifier's model {r.model_id!r} differs from the catalog's {self._model_id!r}")
            x = r.embedding
        return _vectors.as_embedding_matrix(x, self._dim, what="query embedding")

    def match(self, photo_or_embedding, k: int = 5, *, category: str | None = None) -> MatchResult:
        """Best ``k`` items for a photo (embedded through the identifier), an ``IdentifyResult`` or
        a 1-D float embedding, with the open-set verdict and a valuation (None when unknown)."""
        self._check_open()
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
            raise InvalidArgumentError("k must be a positive integer")
        if self._dim is None:
            q = photo_or_embedding
            if isinstance(q, np.ndarray) or hasattr(q, "embedding"):
                _vectors.as_embedding_matrix(getattr(q, "embedding", q), what="query embedding")
            return self._empty_result()
        q = self._query_vectors(photo_or_embedding)
        if q.shape[0] != 1:
            raise InvalidArgumentError("match() takes one query; use match_many() for a batch")
        return self.match_many(q, k, category=category)[0]

    def match_many(self, embeddings, k: int = 5, *, category: str | None = None) -> list[MatchResult]:
        """:meth:`match` for a batch of embeddings (n, d) in one matrix product."""
        self._check_open()
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
            raise InvalidArgumentError("k must be a positive integer")
        if self._dim is None:
            return [self._empty_result() for _ in range(len(np.atleast_2d(embeddings)))]
        q = _vectors.as_embedding_matrix(embeddings, self._dim, what="query embedding")
        self._ensure_index()
        calib = self.calibration
        with self._rw.read():
            idx = self._index
            if idx is None:  # emptied by a concurrent remove_item
                return [self._empty_result() for _ in range(len(q))]
            n = len(idx)
            max_refs = max((len(v) for v in self._item_embs.values()), default=1)
            fetch = min(n, max(k, 2) * max(1, max_refs) + 8)
            allowed = self._category_ids(category) if category is not None else None
            sims, ids = idx.search(q, fetch, allowed=allowed) if n else (np.zeros((len(q), 0)), np.zeros((len(q), 0), int))
            emb_item = self._emb_item
            ranked_all = [aggregate_items(sims[r], ids[r], emb_item)[: max(k, 2)] for r in range(len(q))]
        meta = self._store.get_items([it for ranked in ranked_all for it, _ in ranked])
        out = []
        for ranked in ranked_all:
            ranked = [(it, s) for it, s in ranked if it in meta]
            unknown, reason, s1, margin, conf = verdict(ranked, calib)
            matches = tuple(
                Match(item_id=it, name=meta[it]["name"], similarity=float(s), confidence=float(c),
                      category=meta[it]["category"], value_low=meta[it]["value_low"],
                      value_high=meta[it]["value_high"], currency=meta[it]["currency"],
                      attributes=meta[it]["attributes"])
                for (it, s), c in zip(ranked[:k], conf[:k]))
            out.append(MatchResult(matches=matches, unknown=unknown, valuation=estimate(matches, unknown),
                                   reason=reason, top_similarity=float(s1), margin=float(margin),
                                   sim_threshold=calib.sim_threshold, margin_threshold=calib.margin_threshold,
                                   model_id=self._model_id))
        return out

    def _empty_result(self) -> MatchResult:
        calib = self.calibration
        return MatchResult(matches=(), unknown=True, valuation=None, reason="empty_catalog",
                           top_similarity=-1.0, margin=0.0, sim_threshold=calib.sim_threshold,
                           margin_threshold=calib.margin_threshold, model_id=self._model_id)


def _is_utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_utf8(s, what: str) -> None:
    """SQLite / JSONL need UTF-8; a lone surrogate (``"\\ud800"``) cannot be stored or exported."""
    if isinstance(s, str) and not _is_utf8(s):
        raise InvalidArgumentError(f"{what} is not valid UTF-8 text (contains a lone surrogate): {s!r}")


def _check_item_id(item_id) -> None:
    if not isinstance(item_id, str) or not item_id.strip():
        raise InvalidArgumentError("item_id must be a non-empty string")
    _check_utf8(item_id, "item_id")


def _check_json_text(obj, what: str, depth: int = 0) -> None:
    """Every string key / value inside ``attributes`` must be encodable UTF-8 (else export fails)."""
    if depth > 64:
        raise InvalidArgumentError(f"{what} is nested too deeply")
    if isinstance(obj, str):
        _check_utf8(obj, what)
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            _check_utf8(k, f"{what} key")
            _check_json_text(v, what, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _check_json_text(v, what, depth + 1)
