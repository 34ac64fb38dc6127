"""Vector index interface and its two backends.

* :class:`ExactIndex` — brute-force cosine over **one contiguous matrix** of L2-normalised rows:
  a single numpy ``matrix @ query`` (BLAS sgemv/sgemm) then ``argpartition``.  Always available.
  ``dtype="float16"`` halves memory (the store keeps float16 anyway, so nothing is lost) and, when
  the optional ``usearch`` package is installed, searches with its SIMD f16 kernel (float32
  accumulation).  ``mmap_path`` keeps the matrix in a memory-mapped file for catalogs larger
  than RAM.
* :class:`USearchIndex` — approximate HNSW graph (``pip install valuepix_core[ann]``) for catalogs
  past ~100k reference embeddings; see docs/catalog.md for why usearch over hnswlib / faiss-cpu.

Both take int64 ids (the store's embedding row ids) and inner-product (= cosine) similarity.
A ``id_filter(ids) -> bool mask`` restricts a search (the catalog's category filter).
"""
from __future__ import annotations

import abc
import os
from typing import Callable

import numpy as np

from ..errors import CatalogError, InvalidArgumentError

IdFilter = Callable[[np.ndarray], np.ndarray]


def ann_available() -> bool:
    try:
        import usearch.index  # noqa: F401
    except ImportError:
        return False
    return True


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
        """Forget ``ids`` (unknown ids are ignored); their vectors must not stay readable."""

    @abc.abstractmethod
    def search(self, queries: np.ndarray, k: int, id_filter: IdFilter | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(similarities, ids)``, each (n_queries, k), best first; short rows are padded
        with ``-inf`` / ``-1``."""

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @property
    @abc.abstractmethod
    def memory_bytes(self) -> int: ...

    def close(self) -> None:
        pass


class ExactIndex(VectorIndex):
    """Brute force over one contiguous normalised matrix (see module docstring)."""

    kind = "exact"

    def __init__(self, dim: int, *, dtype: str | np.dtype = "float32", mmap_path: str | None = None,
                 capacity: int = 1024, use_simd: bool = True):
        super().__init__(dim)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float16):
            raise InvalidArgumentError("ExactIndex dtype must be float32 or float16")
        self.mmap_path = mmap_path
        self._n = 0
        self._pos: dict[int, int] = {}
        self._ids = np.empty(0, dtype=np.int64)
        self._mat = self._alloc(max(16, capacity))
        self._ids = np.full(self._mat.shape[0], -1, dtype=np.int64)
        self._simd = None
        if self.dtype == np.float16 and use_simd and ann_available():
            from usearch.index import MetricKind, search as usearch_search
            self._simd = (usearch_search, MetricKind.IP)

    def _alloc(self, rows: int) -> np.ndarray:
        if self.mmap_path is None:
            return np.zeros((rows, self.dim), dtype=self.dtype)
        tmp = self.mmap_path + ".grow"
        mm = np.lib.format.open_memmap(tmp, mode="w+", dtype=self.dtype, shape=(rows, self.dim))
        return mm

    def _grow(self, need: int) -> None:
        cap = self._mat.shape[0]
        if need <= cap:
            return
        new_cap = max(need, int(cap * 1.5) + 16)
        new = self._alloc(new_cap)
        new[: self._n] = self._mat[: self._n]
        ids = np.full(new_cap, -1, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        old = self._mat
        self._mat, self._ids = new, ids
        if self.mmap_path is not None:
            del old
            os.replace(self.mmap_path + ".grow", self.mmap_path)

    def add(self, ids, vectors) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or vectors.shape != (ids.shape[0], self.dim):
            raise InvalidArgumentError(f"vectors must be ({ids.shape[0]}, {self.dim}), got {vectors.shape}")
        if any(int(i) in self._pos for i in ids) or len(set(ids.tolist())) != len(ids):
            raise CatalogError("duplicate vector id in index")
        self._grow(self._n + len(ids))
        s = self._n
        self._mat[s:s + len(ids)] = vectors
        self._ids[s:s + len(ids)] = ids
        for j, i in enumerate(ids.tolist()):
            self._pos[i] = s + j
        self._n += len(ids)

    def remove(self, ids) -> None:
        for i in np.asarray(ids, dtype=np.int64).reshape(-1).tolist():
            row = self._pos.pop(i, None)
            if row is None:
                continue
            last = self._n - 1
            if row != last:
                self._mat[row] = self._mat[last]
                moved = int(self._ids[last])
                self._ids[row] = moved
                self._pos[moved] = row
            self._mat[last] = 0  # leave no copy of the removed vector in the matrix
            self._ids[last] = -1
            self._n -= 1

    def similarities(self, queries: np.ndarray) -> np.ndarray:
        """All similarities, (n_queries, len(self)) float32."""
        q = _as_queries(queries, self.dim)
        mat = self._mat[: self._n]
        if self.dtype == np.float32:
            return q @ mat.T
        out = np.empty((q.shape[0], self._n), dtype=np.float32)
        step = 65536
        for s in range(0, self._n, step):
            out[:, s:s + step] = q @ mat[s:s + step].astype(np.float32).T
        return out

    def search(self, queries, k, id_filter=None):
        q = _as_queries(queries, self.dim)
        k = int(k)
        if k <= 0:
            raise InvalidArgumentError("k must be positive")
        n = self._n
        sims_out = np.full((q.shape[0], k), -np.inf, dtype=np.float32)
        ids_out = np.full((q.shape[0], k), -1, dtype=np.int64)
        if n == 0:
            return sims_out, ids_out
        if id_filter is None and self._simd is not None and k < n:
            fn, metric = self._simd
            res = fn(self._mat[:n], q.astype(np.float16), k, metric, exact=True, threads=1)
            rows = np.asarray(res.keys, dtype=np.int64).reshape(q.shape[0], -1)
            dist = np.asarray(res.distances, dtype=np.float32).reshape(q.shape[0], -1)
            valid = rows >= 0
            kk = rows.shape[1]
            ids_out[:, :kk] = np.where(valid, self._ids[np.clip(rows, 0, n - 1)], -1)
            sims_out[:, :kk] = np.where(valid, 1.0 - dist, -np.inf)
            return sims_out, ids_out
        sims = self.similarities(q)
        if id_filter is not None:
            keep = np.asarray(id_filter(self._ids[:n]), dtype=bool)
            sims[:, ~keep] = -np.inf
        top = _topk(sims, min(k, n))
        kk = top.shape[1]
        s = np.take_along_axis(sims, top, axis=1)
        ids_out[:, :kk] = np.where(np.isfinite(s), self._ids[top], -1)
        sims_out[:, :kk] = s
        return sims_out, ids_out

    def __len__(self) -> int:
        return self._n

    @property
    def memory_bytes(self) -> int:
        return int(self._mat.nbytes + self._ids.nbytes)

    def close(self) -> None:
        if self.mmap_path is not None:
            mm = self._mat
            self._mat = np.zeros((0, self.dim), dtype=self.dtype)
            del mm
            for p in (self.mmap_path, self.mmap_path + ".grow"):
                if os.path.exists(p):
                    os.remove(p)


class USearchIndex(VectorIndex):
    """HNSW graph from the ``usearch`` package (optional extra ``ann``).

    Defaults (connectivity 16, expansion_add 128, expansion_search 96, f16 storage) were chosen
    from benchmarks/bench_catalog.py: recall@10 >= 0.95 at 1M clustered 1280-d vectors.
    """

    kind = "ann"

    def __init__(self, dim: int, *, dtype: str = "f16", connectivity: int = 16,
                 expansion_add: int = 128, expansion_search: int = 96, threads: int = 0):
        super().__init__(dim)
        try:
            from usearch.index import Index
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise CatalogError("the ANN index needs the optional 'usearch' package "
                               "(pip install 'valuepix_core[ann]')") from exc
        self.threads = int(threads)
        self._index = Index(ndim=self.dim, metric="ip", dtype=dtype, connectivity=connectivity,
                            expansion_add=expansion_add, expansion_search=expansion_search)

    @property
    def expansion_search(self) -> int:
        return int(self._index.expansion_search)

    @expansion_search.setter
    def expansion_search(self, value: int) -> None:
        self._index.expansion_search = int(value)

    def add(self, ids, vectors) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (ids.shape[0], self.dim):
            raise InvalidArgumentError(f"vectors must be ({ids.shape[0]}, {self.dim}), got {vectors.shape}")
        if len(ids):
            self._index.add(ids.astype(np.uint64), vectors, threads=self.threads)

    def remove(self, ids) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids):
            self._index.remove(ids.astype(np.uint64), compact=True, threads=self.threads)

    def search(self, queries, k, id_filter=None):
        q = _as_queries(queries, self.dim)
        k = int(k)
        if k <= 0:
            raise InvalidArgumentError("k must be positive")
        nq = q.shape[0]
        sims_out = np.full((nq, k), -np.inf, dtype=np.float32)
        ids_out = np.full((nq, k), -1, dtype=np.int64)
        n = len(self)
        if n == 0:
            return sims_out, ids_out
        fetch = min(k, n)
        while True:
            res = self._index.search(q, fetch, threads=self.threads)
            keys = np.asarray(res.keys).reshape(nq, -1).astype(np.int64)
            dist = np.asarray(res.distances, dtype=np.float32).reshape(nq, -1)
            counts = np.asarray(res.counts).reshape(nq) if hasattr(res, "counts") else np.full(nq, keys.shape[1])
            done = True
            for r in range(nq):
                c = int(counts[r])
                kr, sr = keys[r, :c], 1.0 - dist[r, :c]
                if id_filter is not None:
                    keep = np.asarray(id_filter(kr), dtype=bool)
                    if keep.sum() < k and fetch < n:
                        done = False
                    kr, sr = kr[keep], sr[keep]
                m = min(k, len(kr))
                ids_out[r, :m], sims_out[r, :m] = kr[:m], sr[:m]
            if done or fetch >= n:
                return sims_out, ids_out
            fetch = min(n, fetch * 8)  # filtered search: widen until enough survivors

    def __len__(self) -> int:
        return len(self._index)

    @property
    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)


def make_index(kind: str, dim: int, **kwargs) -> VectorIndex:
    if kind == "exact":
        return ExactIndex(dim, **kwargs)
    if kind == "ann":
        return USearchIndex(dim, **kwargs)
    raise InvalidArgumentError(f"unknown index kind {kind!r}; use 'exact' or 'ann'")
