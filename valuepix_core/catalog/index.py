"""Vector index interface and its two backends.

* :class:`ExactIndex` — brute-force cosine over **one contiguous matrix** of L2-normalised rows.
  ``dtype="float32"`` (always available): a single numpy ``queries @ matrix.T`` (BLAS) then
  ``argpartition``; ``mmap_path`` keeps the matrix in a memory-mapped file for catalogs larger
  than RAM.  ``dtype="float16"`` (needs the optional ``faiss-cpu``): the same exhaustive scan over
  a float16 matrix with faiss's SIMD kernel — half the memory and about half the time (the scan
  is memory-bound), and lossless here because the store keeps float16 anyway.
* :class:`FaissIVFIndex` — approximate search (inverted lists, ``pip install
  'valuepix_core[ann]'``) for catalogs past ~100k reference embeddings; see docs/catalog.md for
  why faiss IVF over usearch / hnswlib HNSW (build time at 1280-d on 2 cores).

Both take int64 ids (the store's embedding row ids) and inner-product (= cosine) similarity.
``allowed`` (an int64 array of ids) restricts a search — the catalog's category filter.
"""
from __future__ import annotations

import abc
import os

import numpy as np

from ..errors import CatalogError, InvalidArgumentError


def ann_available() -> bool:
    """True when the optional ``faiss-cpu`` package (extra ``ann``) is importable."""
    try:
        import faiss
    except ImportError:
        return False
    del faiss
    return True


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise CatalogError("this index needs the optional 'faiss-cpu' package "
                           "(pip install 'valuepix_core[ann]')") from exc
    return faiss


def _topk(sims: np.ndarray, k: int) -> np.ndarray:
    """Row-wise indices of the ``k`` largest values of 2-D ``sims``, best first."""
    n = sims.shape[1]
    if k >= n:
        return np.argsort(-sims, axis=1, kind="stable")
    part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(sims, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _as_queries(q: np.ndarray, dim: int) -> np.ndarray:
    q = np.asarray(q, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise InvalidArgumentError(f"query must have shape ({dim},) or (n, {dim}), got {q.shape}")
    return np.ascontiguousarray(q)


class VectorIndex(abc.ABC):
    """What the catalog needs from a vector index."""

    kind: str = "?"

    def __init__(self, dim: int):
        if dim <= 0:
            raise InvalidArgumentError("index dimension must be positive")
        self.dim = int(dim)

    @abc.abstractmethod
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add rows (``vectors`` float32 (n, dim), unit length) under int64 ``ids``."""

    @abc.abstractmethod
    def remove(self, ids: np.ndarray) -> None:
        """Forget ``ids`` (unknown ids are ignored)."""

    @abc.abstractmethod
    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(similarities, ids)``, each (n_queries, k), best first; short rows are padded
        with ``-inf`` / ``-1``.  ``allowed``: only these ids may be returned."""

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @property
    @abc.abstractmethod
    def memory_bytes(self) -> int: ...

    def close(self) -> None:
        pass

    @staticmethod
    def _check_k(k) -> int:
        k = int(k)
        if k <= 0:
            raise InvalidArgumentError("k must be positive")
        return k

    def _check_add(self, ids, vectors) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (ids.shape[0], self.dim):
            raise InvalidArgumentError(f"vectors must be ({ids.shape[0]}, {self.dim}), got {vectors.shape}")
        if len(np.unique(ids)) != len(ids):
            raise CatalogError("duplicate vector id")
        return ids, vectors


def _pad(nq: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((nq, k), -np.inf, dtype=np.float32), np.full((nq, k), -1, dtype=np.int64)


class ExactIndex(VectorIndex):
    """Brute force over one contiguous normalised matrix (see module docstring)."""

    kind = "exact"

    def __init__(self, dim: int, *, dtype: str | np.dtype = "float32", mmap_path: str | None = None,
                 capacity: int = 1024):
        super().__init__(dim)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float16):
            raise InvalidArgumentError("ExactIndex dtype must be float32 or float16")
        if self.dtype == np.float16 and mmap_path is not None:
            raise InvalidArgumentError("mmap_path is supported for the float32 matrix only")
        self.mmap_path = mmap_path
        self._n = 0
        self._pos: dict[int, int] = {}
        if self.dtype == np.float16:
            faiss = _faiss()
            self._sq = faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_fp16,
                                                  faiss.METRIC_INNER_PRODUCT)
            self._mat = None
            self._ids = np.empty(0, dtype=np.int64)
        else:
            self._sq = None
            self._mat = self._alloc(max(16, capacity), self.mmap_path)
            self._ids = np.full(self._mat.shape[0], -1, dtype=np.int64)

    def _alloc(self, rows: int, path: str | None) -> np.ndarray:
        if path is None:
            return np.zeros((rows, self.dim), dtype=np.float32)
        return np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, self.dim))

    def _grow(self, need: int) -> None:
        cap = self._mat.shape[0]
        if need <= cap:
            return
        new_cap = max(need, int(cap * 1.5) + 16)
        new = self._alloc(new_cap, None if self.mmap_path is None else self.mmap_path + ".grow")
        new[: self._n] = self._mat[: self._n]
        ids = np.full(new_cap, -1, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        old = self._mat
        self._mat, self._ids = new, ids
        del old
        if self.mmap_path is not None:
            os.replace(self.mmap_path + ".grow", self.mmap_path)

    def add(self, ids, vectors) -> None:
        ids, vectors = self._check_add(ids, vectors)
        if any(int(i) in self._pos for i in ids):
            raise CatalogError("duplicate vector id in index")
        s = self._n
        if self._sq is not None:
            self._sq.add(vectors)
            self._ids = np.concatenate([self._ids, ids])
        else:
            self._grow(s + len(ids))
            self._mat[s:s + len(ids)] = vectors
            self._ids[s:s + len(ids)] = ids
        for j, i in enumerate(ids.tolist()):
            self._pos[i] = s + j
        self._n += len(ids)

    def remove(self, ids) -> None:
        ids = [i for i in np.asarray(ids, dtype=np.int64).reshape(-1).tolist() if i in self._pos]
        if not ids:
            return
        if self._sq is not None:  # order-preserving compaction in faiss and in our id array
            faiss = _faiss()
            rows = np.array(sorted(self._pos.pop(i) for i in ids), dtype=np.int64)
            self._sq.remove_ids(faiss.IDSelectorBatch(rows))
            self._ids = np.delete(self._ids, rows)
            self._pos = {int(i): r for r, i in enumerate(self._ids.tolist())}
            self._n = len(self._ids)
            return
        for i in ids:
            row = self._pos.pop(i)
            last = self._n - 1
            if row != last:
                self._mat[row] = self._mat[last]
                moved = int(self._ids[last])
                self._ids[row] = moved
                self._pos[moved] = row
            self._mat[last] = 0  # leave no copy of the removed vector in the matrix
            self._ids[last] = -1
            self._n -= 1

    def vectors(self) -> np.ndarray:
        """The stored rows as float32 (n, dim) (a copy for float16)."""
        if self._sq is not None:
            return self._sq.reconstruct_n(0, self._n) if self._n else np.zeros((0, self.dim), np.float32)
        return self._mat[: self._n]

    def search(self, queries, k, allowed=None):
        q = _as_queries(queries, self.dim)
        k = self._check_k(k)
        n = self._n
        sims_out, ids_out = _pad(q.shape[0], k)
        if n == 0:
            return sims_out, ids_out
        kk = min(k, n)
        if self._sq is not None:
            params = None
            if allowed is not None:
                faiss = _faiss()
                rows = np.nonzero(np.isin(self._ids, allowed))[0].astype(np.int64)
                if rows.size == 0:
                    return sims_out, ids_out
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
            d, rows = self._sq.search(q, kk, params=params)
            valid = rows >= 0
            ids_out[:, :kk] = np.where(valid, self._ids[np.clip(rows, 0, n - 1)], -1)
            sims_out[:, :kk] = np.where(valid, d, -np.inf)
            return sims_out, ids_out
        sims = q @ self._mat[:n].T
        if allowed is not None:
            sims[:, ~np.isin(self._ids[:n], allowed)] = -np.inf
        top = _topk(sims, kk)
        s = np.take_along_axis(sims, top, axis=1)
        ids_out[:, :kk] = np.where(np.isfinite(s), self._ids[top], -1)
        sims_out[:, :kk] = s
        return sims_out, ids_out

    def __len__(self) -> int:
        return self._n

    @property
    def memory_bytes(self) -> int:
        if self._sq is not None:
            return int(self._n * self.dim * 2 + self._ids.nbytes)
        return int(self._mat.nbytes + self._ids.nbytes)

    def close(self) -> None:
        if self._sq is not None:
            self._sq.reset()
            return
        if self.mmap_path is not None:
            self._mat = np.zeros((0, self.dim), dtype=np.float32)  # drop the memmap, then its file
            for p in (self.mmap_path, self.mmap_path + ".grow"):
                if os.path.exists(p):
                    os.remove(p)


class FaissIVFIndex(VectorIndex):
    """Inverted-file ANN from ``faiss-cpu`` with float16 codes (``IVF{nlist},SQfp16``, inner product).

    The coarse quantizer is trained by k-means when the index is first searched (or at
    :meth:`train`); vectors added before that are buffered (float16) and, while fewer than
    ``min_train`` exist, scanned exactly.  ``nlist`` defaults to ``4·sqrt(n)`` (n at training
    time); ``nprobe`` (lists scanned per query) trades latency for recall — see docs/catalog.md
    for recall@10 vs exact at 10k / 100k / 1M.
    """

    kind = "ann"

    def __init__(self, dim: int, *, nlist: int | None = None, nprobe: int = 32, train_per_list: int = 40,
                 min_train: int = 1024):
        super().__init__(dim)
        self._faiss = _faiss()
        self.nlist = nlist
        self.nprobe = int(nprobe)
        self.train_per_list = int(train_per_list)
        self.min_train = int(min_train)
        self._index = None
        self._pending_ids: list[np.ndarray] = []
        self._pending_vecs: list[np.ndarray] = []
        self._count = 0

    @property
    def trained(self) -> bool:
        return self._index is not None

    def train(self) -> None:
        """Build the coarse quantizer from the buffered vectors and move them into the index."""
        if self._index is not None or not self._pending_ids:
            return
        faiss = self._faiss
        ids = np.concatenate(self._pending_ids)
        n = len(ids)
        nlist = self.nlist or int(min(65536, max(1, 4 * np.sqrt(n))))
        nlist = max(1, min(nlist, n // 8 or 1))
        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, self.dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                              faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1  # we choose the sample size; silence faiss's notice
        index.cp.niter = 10  # k-means iterations: 25 (faiss default) costs 2.5x the build for ~no recall
        m = min(n, nlist * self.train_per_list)
        pos = np.sort(np.random.default_rng(0).choice(n, m, replace=False)) if m < n else np.arange(n)
        allv = np.concatenate(self._pending_vecs)
        index.train(allv[pos].astype(np.float32))
        for s in range(0, n, 65536):
            index.add_with_ids(allv[s:s + 65536].astype(np.float32), ids[s:s + 65536])
        index.nprobe = self.nprobe
        self._index = index
        self._pending_ids, self._pending_vecs = [], []

    def add(self, ids, vectors) -> None:
        ids, vectors = self._check_add(ids, vectors)
        if not len(ids):
            return
        if self._index is None:
            self._pending_ids.append(ids)
            self._pending_vecs.append(vectors.astype(np.float16))
        else:
            self._index.add_with_ids(vectors, ids)
        self._count += len(ids)

    def remove(self, ids) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if not len(ids):
            return
        if self._index is None:
            kept_i, kept_v = [], []
            for pi, pv in zip(self._pending_ids, self._pending_vecs):
                keep = ~np.isin(pi, ids)
                self._count -= int((~keep).sum())
                kept_i.append(pi[keep])
                kept_v.append(pv[keep])
            self._pending_ids, self._pending_vecs = kept_i, kept_v
            return
        self._count -= int(self._index.remove_ids(self._faiss.IDSelectorBatch(ids)))

    def search(self, queries, k, allowed=None):
        q = _as_queries(queries, self.dim)
        k = self._check_k(k)
        if self._index is None and self._count >= self.min_train:
            self.train()
        sims_out, ids_out = _pad(q.shape[0], k)
        if self._count == 0:
            return sims_out, ids_out
        kk = min(k, self._count)
        if self._index is None:  # small and untrained: exact scan of the buffer
            ids = np.concatenate(self._pending_ids)
            sims = q @ np.concatenate(self._pending_vecs).astype(np.float32).T
            if allowed is not None:
                sims[:, ~np.isin(ids, allowed)] = -np.inf
            top = _topk(sims, kk)
            s = np.take_along_axis(sims, top, axis=1)
            ids_out[:, :kk] = np.where(np.isfinite(s), ids[top], -1)
            sims_out[:, :kk] = s
            return sims_out, ids_out
        faiss = self._faiss
        if allowed is not None:
            params = faiss.SearchParametersIVF(
                nprobe=self.nprobe, sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        else:
            params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        d, found = self._index.search(q, kk, params=params)
        ids_out[:, :kk] = found
        sims_out[:, :kk] = np.where(found >= 0, d, -np.inf)
        return sims_out, ids_out

    def __len__(self) -> int:
        return self._count

    @property
    def memory_bytes(self) -> int:
        lists = 0 if self._index is None else self._count * (self.dim * 2 + 8)
        centroids = 0 if self._index is None else self._index.nlist * self.dim * 4
        pending = sum(v.nbytes + i.nbytes for v, i in zip(self._pending_vecs, self._pending_ids))
        return int(lists + centroids + pending)

    def close(self) -> None:
        if self._index is not None:
            self._index.reset()
        self._pending_ids, self._pending_vecs = [], []


def make_index(kind: str, dim: int, **kwargs) -> VectorIndex:
    if kind == "exact":
        return ExactIndex(dim, **kwargs)
    if kind == "ann":
        return FaissIVFIndex(dim, **kwargs)
    raise InvalidArgumentError(f"unknown index kind {kind!r}; use 'exact' or 'ann'")
