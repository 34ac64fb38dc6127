"""Catalog search benchmarks on synthetic clustered embeddings (1280-d, like EfficientNet-Lite0).

Run (10k and 100k; about 5 minutes on 2 cores)::

    python -m pytest benchmarks/bench_catalog.py --benchmark-enable --benchmark-json=bench_catalog.json

and the 1M case (about 25 minutes; ~12 GiB RAM peak)::

    VALUEPIX_BENCH_1M=1 python -m pytest benchmarks/bench_catalog.py --benchmark-enable -k 1M

Latency is per single query at **1 thread** (BLAS and OpenMP limited to one thread);
``benchmark.extra_info`` records n, dim, dtype, build seconds, index memory and recall@10 of the
ANN index against exact search over the same float16 data.

Data: ``n / 100`` cluster centres on the unit sphere; each item = centre + a point of a shared
64-d subspace (norm ~0.6) + isotropic noise (norm 0.1), normalised.  Queries are fresh draws from
the same distribution, so neighbours are meaningful and ANN recall is not trivially 1.
"""
from __future__ import annotations

import gc
import os
import time

import numpy as np
import pytest

from valuepix_core.catalog.index import ExactIndex, FaissIVFIndex, ann_available

threadpoolctl = pytest.importorskip("threadpoolctl")

DIM = 1280
NQ = 200
K = 10
RUN_1M = os.environ.get("VALUEPIX_BENCH_1M") == "1"
SIZES = [10_000, 100_000, pytest.param(1_000_000, id="1M", marks=pytest.mark.skipif(
    not RUN_1M, reason="set VALUEPIX_BENCH_1M=1 for the 1M-item case"))]
SIZE_IDS = ["10k", "100k", "1M"]
needs_faiss = pytest.mark.skipif(not ann_available(), reason="faiss-cpu (extra 'ann') not installed")


def clustered(n: int, d: int = DIM, *, seed: int = 0, latent: int = 64, per_cluster: int = 100,
              chunk: int = 50_000) -> np.ndarray:
    """(n, d) float16 unit vectors (see module docstring)."""
    rng = np.random.default_rng(seed)
    nc = max(8, n // per_cluster)
    centers = rng.standard_normal((nc, d), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    basis = rng.standard_normal((latent, d), dtype=np.float32)
    basis /= np.linalg.norm(basis, axis=1, keepdims=True)
    out = np.empty((n, d), dtype=np.float16)
    for s in range(0, n, chunk):
        m = min(chunk, n - s)
        c = rng.integers(nc, size=m)
        z = rng.standard_normal((m, latent), dtype=np.float32) * (0.6 / np.sqrt(latent))
        x = centers[c] + z @ basis + rng.standard_normal((m, d), dtype=np.float32) * (0.1 / np.sqrt(d))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[s:s + m] = x
    return out


_DATA: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def dataset(n: int):
    """(database f16 (n, d), queries f32 (NQ, d), exact top-10 ids (NQ, 10)), cached per n."""
    if n not in _DATA:
        _DATA.clear()
        gc.collect()
        allv = clustered(n + NQ, seed=n)
        db, q = allv[:n], allv[n:].astype(np.float32)
        sims = np.empty((NQ, n), dtype=np.float32)
        for s in range(0, n, 100_000):  # ground truth over the same float16 values
            sims[:, s:s + 100_000] = q @ db[s:s + 100_000].astype(np.float32).T
        gt = np.argsort(-sims, axis=1)[:, :K]
        _DATA[n] = (db, q, gt)
    return _DATA[n]


def recall_at_k(found: np.ndarray, gt: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(g.tolist())) / K for f, g in zip(found, gt)]))


def one_thread():
    if ann_available():
        import faiss

        faiss.omp_set_num_threads(1)
    return threadpoolctl.threadpool_limits(1)


def all_threads():
    if ann_available():
        import faiss

        faiss.omp_set_num_threads(os.cpu_count() or 1)


def _run(benchmark, fn, queries, rounds):
    it = iter(range(10**9))

    def once():
        i = next(it) % len(queries)
        return fn(queries[i])

    for _ in range(3):
        once()
    benchmark.pedantic(once, rounds=rounds, iterations=1)


@pytest.mark.parametrize("dtype", ["float32", pytest.param("float16", marks=needs_faiss)])
@pytest.mark.parametrize("n", SIZES, ids=SIZE_IDS)
def test_exact_search(benchmark, n, dtype):
    db, q, gt = dataset(n)
    t0 = time.perf_counter()
    idx = ExactIndex(DIM, dtype=dtype, capacity=n)
    for s in range(0, n, 65536):
        idx.add(np.arange(s, min(n, s + 65536)), db[s:s + 65536].astype(np.float32))
    build = time.perf_counter() - t0
    with one_thread():
        _, found = idx.search(q, K)
        rec = recall_at_k(found, gt)
        _run(benchmark, lambda v: idx.search(v, K), q, rounds=100 if n <= 100_000 else 30)
    all_threads()
    benchmark.extra_info.update({"n": n, "dim": DIM, "dtype": dtype, "threads": 1, "build_s": round(build, 2),
                                 "memory_mib": round(idx.memory_bytes / 2**20, 1),
                                 "recall_at_10_vs_exact": round(rec, 4)})
    assert rec >= (0.99 if dtype == "float16" else 0.999)  # exact over the same data
    idx.close()
    gc.collect()


_ANN: dict[int, tuple[FaissIVFIndex, float]] = {}


def ann_index(n: int) -> tuple[FaissIVFIndex, float]:
    if n not in _ANN:
        for old, _ in _ANN.values():
            old.close()
        _ANN.clear()
        gc.collect()
        db, _, _ = dataset(n)
        all_threads()
        t0 = time.perf_counter()
        idx = FaissIVFIndex(DIM)
        for s in range(0, n, 65536):
            idx.add(np.arange(s, min(n, s + 65536)), db[s:s + 65536].astype(np.float32))
        idx.train()
        _ANN[n] = (idx, time.perf_counter() - t0)
    return _ANN[n]


@needs_faiss
@pytest.mark.parametrize("nprobe", [8, 16, 32, 64])
@pytest.mark.parametrize("n", SIZES, ids=SIZE_IDS)
def test_ann_search(benchmark, n, nprobe):
    idx, build = ann_index(n)
    _, q, gt = dataset(n)
    idx.nprobe = nprobe
    with one_thread():
        _, found = idx.search(q, K)
        rec = recall_at_k(found, gt)
        _run(benchmark, lambda v: idx.search(v, K), q, rounds=200)
    all_threads()
    benchmark.extra_info.update({"n": n, "dim": DIM, "nlist": idx._index.nlist, "nprobe": nprobe, "threads": 1,
                                 "build_s_2_threads": round(build, 1),
                                 "memory_mib": round(idx.memory_bytes / 2**20, 1),
                                 "recall_at_10_vs_exact": round(rec, 4)})
    if nprobe == FaissIVFIndex(DIM).nprobe:
        assert rec >= 0.95, rec  # the default setting must keep recall@10 >= 0.95


def test_catalog_match_10k(benchmark, tmp_path):
    """End to end Catalog.match (search + per-item aggregation + SQLite metadata + verdict +
    valuation) on a 10k-item file catalog."""
    import valuepix_core as vp

    db, q, _ = dataset(10_000)
    with vp.Catalog(tmp_path / "bench.sqlite") as cat:
        t0 = time.perf_counter()
        for i in range(10_000):
            cat.add_item(f"item-{i}", f"Item {i}", value_low=10.0, value_high=20.0,
                         embeddings=db[i].astype(np.float32), model_id="synthetic")
        enroll = time.perf_counter() - t0
        cat.match(q[0])  # load the index
        with one_thread():
            _run(benchmark, lambda v: cat.match(v, k=5), q, rounds=100)
        all_threads()
        benchmark.extra_info.update({"n": 10_000, "dim": DIM, "index": cat.stats()["index"],
                                     "enroll_items_per_s": round(10_000 / enroll, 1)})


@pytest.mark.skipif(os.environ.get("VALUEPIX_BENCH_ANN_CHOICE") != "1",
                    reason="set VALUEPIX_BENCH_ANN_CHOICE=1 to compare ANN libraries (~20 min)")
@pytest.mark.parametrize("library", ["faiss-ivf-sqfp16", "faiss-ivf-flat", "usearch-hnsw-f16", "hnswlib-hnsw"])
def test_ann_library_choice(benchmark, library):
    """How the ANN library was picked: build time (2 threads), recall@10 and 1-thread latency at
    100k x 1280-d for each candidate, at settings reaching recall@10 >= 0.95."""
    n = 100_000
    db, q, gt = dataset(n)
    x = db.astype(np.float32)
    ids = np.arange(n)
    t0 = time.perf_counter()
    if library.startswith("faiss"):
        faiss = pytest.importorskip("faiss")
        faiss.omp_set_num_threads(2)
        nlist = int(4 * np.sqrt(n))
        quant = faiss.IndexFlatIP(DIM)
        if library.endswith("flat"):
            index = faiss.IndexIVFFlat(quant, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        else:
            index = faiss.IndexIVFScalarQuantizer(quant, DIM, nlist, faiss.ScalarQuantizer.QT_fp16,
                                                  faiss.METRIC_INNER_PRODUCT)
        index.train(x[np.random.default_rng(0).choice(n, 30 * nlist, replace=False)])
        index.add(x)
        index.nprobe = 16
        search = lambda v: index.search(v.reshape(1, -1), K)[1]  # noqa: E731
        setting = {"nlist": nlist, "nprobe": 16}
    elif library.startswith("usearch"):
        usearch = pytest.importorskip("usearch.index")
        index = usearch.Index(ndim=DIM, metric="ip", dtype="f16", connectivity=16, expansion_add=128,
                              expansion_search=64)
        index.add(ids, x, threads=2)
        search = lambda v: index.search(v, K, threads=1).keys.reshape(1, -1)  # noqa: E731
        setting = {"M": 16, "ef_construction": 128, "ef": 64}
    else:
        hnswlib = pytest.importorskip("hnswlib")
        index = hnswlib.Index(space="ip", dim=DIM)
        index.init_index(max_elements=n, ef_construction=100, M=16)
        index.set_num_threads(2)
        index.add_items(x, ids)
        index.set_ef(64)
        search = lambda v: index.knn_query(v, K)[0]  # noqa: E731
        setting = {"M": 16, "ef_construction": 100, "ef": 64}
    build = time.perf_counter() - t0
    with one_thread():
        if library.startswith("hnswlib"):
            index.set_num_threads(1)
        found = np.concatenate([search(v) for v in q])
        rec = recall_at_k(found, gt)
        _run(benchmark, search, q, rounds=200)
    all_threads()
    benchmark.extra_info.update({"library": library, "n": n, "build_s_2_threads": round(build, 1),
                                 "recall_at_10_vs_exact": round(rec, 4), **setting})
