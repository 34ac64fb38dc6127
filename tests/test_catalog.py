"""Catalog unit tests on synthetic embeddings (no model needed; always run)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import threading
from dataclasses import dataclass

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core.catalog import Calibration, Match
from valuepix_core.catalog import calibrate as cal_mod
from valuepix_core.catalog import io as cio
from valuepix_core.catalog import store as store_mod
from valuepix_core.catalog.index import ExactIndex, FaissIVFIndex, ann_available
from valuepix_core.catalog.valuation import estimate

DIM = 64
MODEL = "synthetic-v1"
CAL = Calibration(model_id=MODEL, sim_threshold=0.8, margin_threshold=0.05, coef=(20.0, 30.0, -16.0))


def unit(x):
    x = np.asarray(x, dtype=np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@pytest.fixture
def vecs():
    return unit(np.random.default_rng(0).standard_normal((40, DIM)))


def noisy(v, scale=0.05, seed=1):
    return unit(v + scale * np.random.default_rng(seed).standard_normal(v.shape).astype(np.float32))


def make(path=":memory:", n=20, vecs=None, **kw):
    cat = vp.Catalog(path, calibration=CAL, **kw)
    for i in range(n):
        cat.add_item(f"item-{i}", f"Item {i}", category="watch" if i % 2 else "camera",
                     value_low=100.0 * i, value_high=100.0 * i + 50, embeddings=vecs[i], model_id=MODEL)
    return cat


# --- a stand-in for the Identifier: deterministic embedding per image content ----------------
@dataclass
class FakeResult:
    embedding: np.ndarray
    model_id: str
    category: str | None
    labels: tuple = ()


class FakeIdentifier:
    model_id = "fake-model-v1"

    def __init__(self):
        self.calls = 0
        self.closed = False

    def _emb(self, src):
        if isinstance(src, (str, os.PathLike)):
            with open(src, "rb") as fh:
                data = fh.read()
        else:
            data = bytes(src)
        seed = int.from_bytes(hashlib.sha256(data).digest()[:8], "little")
        return unit(np.random.default_rng(seed).standard_normal(DIM)), data

    def identify(self, src):
        self.calls += 1
        e, data = self._emb(src)
        return FakeResult(e, self.model_id, "wristwatch" if data[:1] == b"W" else "gadget")

    def identify_batch(self, sources):
        return [self.identify(s) for s in sources]

    def close(self):
        self.closed = True


# --- basics ------------------------------------------------------------------------------
def test_public_names():
    assert vp.Catalog is vp.catalog.Catalog
    assert {"Catalog", "MatchResult", "Match", "Valuation"} <= set(vp.__all__)


def test_match_finds_item_with_valuation(vecs):
    with make(vecs=vecs) as cat:
        r = cat.match(noisy(vecs[7]), k=3)
        assert not r.unknown and r.reason == "match"
        assert [m.item_id for m in r.matches][0] == "item-7"
        assert len(r.matches) == 3
        assert r.matches[0].similarity > 0.9 > 0.5 > r.matches[1].similarity
        assert r.matches[0].confidence > 0.9 and r.matches[1].confidence < 0.1
        assert r.best.item_id == "item-7"
        v = r.valuation
        assert v is not None and v.currency == "USD"
        assert v.low <= v.likely <= v.high
        assert v.contributors[0].item_id == "item-7" and v.low == pytest.approx(700.0, rel=0.01)
        assert "Item 7" in v.explanation


def test_match_accepts_identify_result_and_checks_model(vecs):
    with make(vecs=vecs) as cat:
        assert cat.match(FakeResult(vecs[3], MODEL, None)).matches[0].item_id == "item-3"
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.match(FakeResult(vecs[3], "other-model", None))


def test_unknown_for_unrelated_and_ambiguous(vecs):
    with make(vecs=vecs) as cat:
        far = unit(np.random.default_rng(99).standard_normal(DIM))
        r = cat.match(far)
        assert r.unknown and r.reason == "low_similarity" and r.valuation is None and r.best is None
        assert r.matches  # the nearest items are still listed for a "did you mean"
        # two near-identical items -> ambiguous
        cat.add_item("twin", "Twin of 5", embeddings=noisy(vecs[5], 0.01, 3), model_id=MODEL,
                     value_low=1, value_high=2)
        r = cat.match(vecs[5])
        assert r.unknown and r.reason == "ambiguous"
        assert {m.item_id for m in r.matches[:2]} == {"item-5", "twin"}


def test_empty_catalog_is_unknown():
    with vp.Catalog(":memory:") as cat:
        r = cat.match(unit(np.ones(DIM)))
        assert r.unknown and r.reason == "empty_catalog" and r.matches == ()


def test_max_aggregation_over_reference_embeddings(vecs):
    with make(vecs=vecs, n=10) as cat:
        cat.update_item("item-2", embeddings=vecs[30], model_id=MODEL)  # a second reference photo
        assert cat.get_item("item-2")["reference_count"] == 2
        r = cat.match(noisy(vecs[30]), k=10)
        assert r.matches[0].item_id == "item-2"
        ids = [m.item_id for m in r.matches]
        assert len(ids) == len(set(ids)) == 10  # one entry per item, not per embedding
        sims = [m.similarity for m in r.matches]
        assert sims == sorted(sims, reverse=True)


def test_category_filter(vecs):
    with make(vecs=vecs) as cat:
        r = cat.match(vecs[7], k=5, category="camera")  # item-7 is a watch
        assert r.matches and all(m.category == "camera" for m in r.matches)
        assert "item-7" not in [m.item_id for m in r.matches]
        assert cat.match(vecs[7], category="watch").matches[0].item_id == "item-7"
        assert cat.match(vecs[7], category="nothing-here").matches == ()


def test_match_many_equals_match(vecs):
    with make(vecs=vecs) as cat:
        qs = noisy(vecs[:20], 0.1, 5)
        many = cat.match_many(qs, k=3)
        for q, r in zip(qs, many):
            one = cat.match(q, k=3)
            assert [m.item_id for m in one.matches] == [m.item_id for m in r.matches]
            assert one.unknown == r.unknown


# --- validation & errors -----------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    np.ones(DIM, dtype=np.int32),
    np.full(DIM, np.nan, dtype=np.float32),
    np.zeros(DIM, dtype=np.float32),
    np.ones(DIM + 1, dtype=np.float32),
    np.ones((2, 2, DIM), dtype=np.float32),
])
def test_bad_embeddings_rejected(vecs, bad):
    with make(vecs=vecs, n=3) as cat:
        with pytest.raises(vp.InvalidArgumentError):
            cat.add_item("x", "X", embeddings=bad, model_id=MODEL)
        if bad.ndim == 1:
            with pytest.raises(vp.InvalidArgumentError):
                cat.match(bad)
        assert "x" not in cat


def test_bad_fields_rejected(vecs):
    with make(vecs=vecs, n=1) as cat:
        for kw in ({"value_low": 10, "value_high": 5}, {"value_low": -1}, {"value_high": float("nan")},
                   {"currency": ""}, {"attributes": [1, 2]}):
            with pytest.raises(vp.InvalidArgumentError):
                cat.add_item("y", "Y", **kw)
        with pytest.raises(vp.InvalidArgumentError):
            cat.add_item("", "no id")
        with pytest.raises(vp.InvalidArgumentError):
            cat.match(vecs[0], k=0)
        with pytest.raises(vp.InvalidArgumentError):
            cat.add_item("z", "Z", embeddings=vecs[0])  # raw embeddings need a model id... (catalog has none? it has)
            raise vp.InvalidArgumentError("unreachable when the catalog already knows its model")


def test_raw_embeddings_into_empty_catalog_need_model_id(vecs):
    with vp.Catalog(":memory:") as cat:
        with pytest.raises(vp.InvalidArgumentError):
            cat.add_item("a", "A", embeddings=vecs[0])


def test_duplicate_id_and_missing_item(vecs):
    with make(vecs=vecs, n=2) as cat:
        with pytest.raises(vp.CatalogError):
            cat.add_item("item-0", "again", embeddings=vecs[5], model_id=MODEL)
        assert cat.get_item("item-0")["name"] == "Item 0" and cat.get_item("item-0")["reference_count"] == 1
        with pytest.raises(vp.ItemNotFoundError):
            cat.remove_item("nope")
        with pytest.raises(KeyError):
            cat.get_item("nope")
        with pytest.raises(vp.ItemNotFoundError):
            cat.update_item("nope", name="x")


def test_mixing_models_refused(vecs):
    with make(vecs=vecs, n=3) as cat:
        with pytest.raises(vp.CatalogModelMismatchError, match="other-model"):
            cat.add_item("m", "M", embeddings=vecs[10], model_id="other-model")
        assert "m" not in cat
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.update_item("item-1", embeddings=vecs[10], model_id="other-model")
        # once the catalog is empty again, a new model may be enrolled
        for i in range(3):
            cat.remove_item(f"item-{i}")
        cat.add_item("m", "M", embeddings=vecs[10], model_id="other-model")
        assert cat.model_id == "other-model"


def test_mixing_models_refused_after_reopen(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    make(p, vecs=vecs, n=2).close()
    with vp.Catalog(p) as cat:
        assert cat.model_id == MODEL and cat.dim == DIM
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.add_item("m", "M", embeddings=vecs[10], model_id="other-model")


# --- persistence, schema, corruption -----------------------------------------------------
def test_reopen_gives_same_results(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    with make(p, vecs=vecs) as cat:
        before = [(m.item_id, round(m.similarity, 5)) for m in cat.match(noisy(vecs[4]), k=5).matches]
    with vp.Catalog(p, calibration=CAL) as cat:
        assert len(cat) == 20 and cat.schema_version == store_mod.SCHEMA_VERSION
        after = [(m.item_id, round(m.similarity, 5)) for m in cat.match(noisy(vecs[4]), k=5).matches]
    assert before == after
    con = sqlite3.connect(p)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # compact storage: float16, 2 bytes per dimension
    blob_len, enc, model = con.execute("SELECT length(vector), encoding, model_id FROM embeddings LIMIT 1").fetchone()
    assert (blob_len, enc, model) == (2 * DIM, "f16", MODEL)
    con.close()


def test_int8_encoding(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    with make(p, vecs=vecs, encoding="i8") as cat:
        r = cat.match(vecs[9])
        assert r.matches[0].item_id == "item-9" and r.matches[0].similarity > 0.995
    con = sqlite3.connect(p)
    assert con.execute("SELECT length(vector), encoding FROM embeddings LIMIT 1").fetchone() == (DIM, "i8")
    con.close()


def test_migrates_v1_database(tmp_path):
    p = tmp_path / "old.sqlite"
    con = sqlite3.connect(p, isolation_level=None)
    store_mod.MIGRATIONS[0](con)
    con.execute("PRAGMA user_version=1")
    con.execute("INSERT INTO items(item_id, name, updated) VALUES ('old', 'Old item', '2020-01-01')")
    con.close()
    with vp.Catalog(p) as cat:
        assert cat.schema_version == store_mod.SCHEMA_VERSION == len(store_mod.MIGRATIONS)
        it = cat.get_item("old")
        assert it["name"] == "Old item" and it["source"] is None
    con = sqlite3.connect(p)
    cols = {r[1] for r in con.execute("PRAGMA table_info(embeddings)")}
    assert "image_ref" in cols
    con.close()


def test_future_schema_refused(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    make(p, vecs=vecs, n=1).close()
    con = sqlite3.connect(p)
    con.execute(f"PRAGMA user_version={store_mod.SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(vp.CatalogCorruptError, match="schema version"):
        vp.Catalog(p)


def test_garbage_and_truncated_files_refused(tmp_path, vecs):
    g = tmp_path / "garbage.sqlite"
    g.write_bytes(os.urandom(8192))
    with pytest.raises(vp.CatalogCorruptError):
        vp.Catalog(g)
    p = tmp_path / "c.sqlite"
    make(p, vecs=vecs, n=20).close()
    data = p.read_bytes()
    assert len(data) > 8192
    t = tmp_path / "trunc.sqlite"
    t.write_bytes(data[: len(data) // 2])
    with pytest.raises(vp.CatalogCorruptError):
        c = vp.Catalog(t)
        c.match(vecs[0])
    # damaged pages inside a full-size file
    d = tmp_path / "damaged.sqlite"
    d.write_bytes(data[:100] + os.urandom(len(data) - 100))
    with pytest.raises(vp.CatalogCorruptError):
        c = vp.Catalog(d)
        c.match(vecs[0])


def test_update_item(vecs):
    with make(vecs=vecs, n=5) as cat:
        cat.update_item("item-3", name="Renamed", value_low=None, value_high=None, attributes={"year": 1999})
        it = cat.get_item("item-3")
        assert (it["name"], it["value_low"], it["value_high"], it["attributes"]) == ("Renamed", None, None, {"year": 1999})
        assert it["category"] == "watch"  # untouched
        r = cat.match(vecs[3])
        assert r.matches[0].name == "Renamed" and r.valuation is None  # no value range -> no valuation
        cat.update_item("item-3", embeddings=vecs[33], model_id=MODEL, replace_references=True)
        assert cat.get_item("item-3")["reference_count"] == 1
        assert cat.match(vecs[33]).matches[0].item_id == "item-3"
        assert cat.match(vecs[3]).matches[0].item_id != "item-3"


# --- removal leaves nothing on disk --------------------------------------------------------
def _file_bytes(p):
    data = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(str(p) + suffix):
            with open(str(p) + suffix, "rb") as fh:
                data += fh.read()
    return data


def test_remove_leaves_no_row_or_vector_in_db_file(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    secret = unit(np.random.default_rng(1234).standard_normal(DIM))
    blob = secret.astype("<f2").tobytes()
    with make(p, vecs=vecs, n=10) as cat:
        cat.add_item("secret-item-42", "Grandma's brooch xyzzy", embeddings=secret, model_id=MODEL,
                     value_low=5, value_high=9, attributes={"note": "plugh-attribute"})
        cat.update_item("secret-item-42", embeddings=noisy(secret, 0.2, 7), model_id=MODEL)
        blob2 = cat.reference_embeddings("secret-item-42")[0][1].astype("<f2").tobytes()
        cat._store.checkpoint()
        assert blob in _file_bytes(p) and b"xyzzy" in _file_bytes(p)  # the check below can fail
        cat.remove_item("secret-item-42")
        assert cat.match(secret).matches[0].item_id != "secret-item-42"
        # the in-memory search matrix keeps no copy either
        assert not any(np.allclose(row, secret, atol=1e-3) for row in cat._index.vectors())
    con = sqlite3.connect(p)
    assert con.execute("SELECT count(*) FROM items WHERE item_id='secret-item-42'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM embeddings WHERE item_id='secret-item-42'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 10
    con.close()
    raw = _file_bytes(p)
    for needle in (blob, blob2, b"secret-item-42", b"xyzzy", b"plugh-attribute"):
        assert needle not in raw, needle[:20]


# --- concurrency -------------------------------------------------------------------------
def test_concurrent_reads_with_writes(tmp_path, vecs):
    p = tmp_path / "c.sqlite"
    errors = []
    with make(p, vecs=vecs, n=20) as cat:
        stop = threading.Event()

        def reader(seed):
            rng = np.random.default_rng(seed)
            try:
                while not stop.is_set():
                    i = int(rng.integers(0, 20))
                    r = cat.match(noisy(vecs[i], 0.02, seed), k=3)
                    assert r.matches[0].item_id == f"item-{i}", (i, r.matches[0].item_id)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def writer():
            try:
                for j in range(60):
                    cat.add_item(f"tmp-{j}", f"Tmp {j}", embeddings=vecs[20 + j % 20] * -1, model_id=MODEL)
                    if j % 2:
                        cat.remove_item(f"tmp-{j - 1}")
            except Exception as exc:  # pragma: no cover
                errors.append(exc)

        threads = [threading.Thread(target=reader, args=(s,)) for s in range(3)]
        for t in threads:
            t.start()
        w = threading.Thread(target=writer)
        w.start()
        w.join()
        stop.set()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
        assert len(cat) == 20 + 30


# --- valuation ---------------------------------------------------------------------------
def _m(item, conf, lo, hi, cur="USD", sim=0.9):
    return Match(item_id=item, name=item.upper(), similarity=sim, confidence=conf, value_low=lo,
                 value_high=hi, currency=cur)


def test_valuation_weighting():
    v = estimate([_m("a", 0.6, 100, 200), _m("b", 0.3, 300, 400), _m("c", 0.05, 10_000, 20_000),
                  _m("d", 0.5, 1, 2, "EUR")], unknown=False)
    assert [c.item_id for c in v.contributors] == ["a", "b"]  # c below 0.25 x top, d other currency
    assert sum(c.weight for c in v.contributors) == pytest.approx(1.0)
    assert v.contributors[0].weight == pytest.approx(2 / 3)
    assert v.low == pytest.approx(100 * 2 / 3 + 300 / 3)
    assert v.high == pytest.approx(200 * 2 / 3 + 400 / 3)
    assert v.likely == pytest.approx(150 * 2 / 3 + 350 / 3)
    assert v.currency == "USD" and v.confidence == 0.6
    assert estimate([_m("a", 0.9, 100, 200)], unknown=True) is None
    assert estimate([_m("a", 0.9, None, None), _m("b", 0.5, 1, 2)], unknown=False) is None
    one = estimate([_m("a", 0.9, None, 80)], unknown=False)
    assert (one.low, one.likely, one.high) == (80, 80, 80)


# --- calibration -------------------------------------------------------------------------
def test_calibration_fit_on_synthetic_scores():
    rng = np.random.default_rng(0)
    n = 400
    genuine = np.arange(2 * n) < n
    s1 = np.where(genuine, rng.normal(0.85, 0.05, 2 * n), rng.normal(0.45, 0.06, 2 * n))
    s2 = np.where(genuine, rng.normal(0.45, 0.05, 2 * n), s1 - np.abs(rng.normal(0.05, 0.03, 2 * n)))
    sc = {"s1": s1, "s2": s2, "margin": s1 - s2, "genuine": genuine, "correct": genuine.copy()}
    cal = cal_mod.fit(sc, "m", target_accept=0.98)
    assert 0.55 < cal.sim_threshold < 0.76
    ev = cal_mod.evaluate(sc, cal)
    assert ev["genuine_correct_accepted"] >= 0.98 and ev["impostor_flagged_unknown"] >= 0.99
    c = cal.confidence(np.array([0.9, 0.6, 0.4]), np.array([0.4, 0.1, 0.02]))
    assert c[0] > 0.95 and c[2] < 0.05 and c[0] > c[1] > c[2]


def test_calibration_roundtrip_module(tmp_path, monkeypatch):
    cal = Calibration("m-x", 0.6, 0.05, (1.0, 2.0, 3.0), 0.4, "t")
    out = cal_mod.write_calibration(cal, {"n": 1}, tmp_path / "_cal.py")
    ns: dict = {}
    exec(out.read_text(), ns)
    assert Calibration.from_dict(ns["CALIBRATIONS"]["m-x"]) == cal


# --- index backends ----------------------------------------------------------------------
needs_faiss = pytest.mark.skipif(not ann_available(), reason="faiss-cpu (extra 'ann') not installed")


@pytest.mark.parametrize("dtype", ["float32", pytest.param("float16", marks=needs_faiss)])
def test_exact_index_matches_brute_force(dtype, tmp_path):
    rng = np.random.default_rng(3)
    X = unit(rng.standard_normal((500, DIM)))
    Q = unit(rng.standard_normal((7, DIM)))
    for mmap in (None, str(tmp_path / "m.npy")) if dtype == "float32" else (None,):
        idx = ExactIndex(DIM, dtype=dtype, mmap_path=mmap, capacity=16)
        ids = np.arange(1000, 1500)
        for s in range(0, 500, 128):  # grows several times
            idx.add(ids[s:s + 128], X[s:s + 128])
        sims, got = idx.search(Q, 10)
        ref_sims = Q @ X.T
        ref = np.argsort(-ref_sims, axis=1)[:, :10] + 1000
        assert (got == ref).mean() > 0.97 if dtype == "float16" else (got == ref).all()
        assert np.allclose(sims, np.sort(ref_sims, axis=1)[:, ::-1][:, :10], atol=2e-3)
        idx.remove(ids[:250])
        assert len(idx) == 250
        sims, got = idx.search(Q, 10)
        assert (got >= 1250).all()
        assert np.allclose(idx.vectors(), X[idx._ids[:len(idx)] - 1000], atol=2e-3)
        even = np.arange(1250, 1500, 2)
        _, got = idx.search(Q, 5, allowed=even)
        assert (got % 2 == 0).all() and (got >= 1250).all()
        if dtype == "float32":  # the removed rows are zeroed, not left behind
            assert not np.any(np.abs(idx._mat[len(idx):]).sum(axis=1))
        idx.close()
        if mmap:
            assert not os.path.exists(mmap)


@needs_faiss
def test_ivf_index_recall_and_remove():
    rng = np.random.default_rng(4)
    centers = unit(rng.standard_normal((40, DIM)))
    X = unit(centers[rng.integers(0, 40, 5000)] + 0.3 * unit(rng.standard_normal((5000, DIM))))
    Q = unit(X[:50] + 0.05 * rng.standard_normal((50, DIM)).astype(np.float32))
    ann = FaissIVFIndex(DIM, nprobe=16)
    ann.add(np.arange(5000), X)
    assert not ann.trained
    ex = ExactIndex(DIM)
    ex.add(np.arange(5000), X)
    _, a = ann.search(Q, 10)
    assert ann.trained
    _, e = ex.search(Q, 10)
    recall = np.mean([len(set(x) & set(y)) / 10 for x, y in zip(a, e)])
    assert recall >= 0.95
    ann.remove(np.arange(0, 5000, 2))
    assert len(ann) == 2500
    _, a = ann.search(Q, 10)
    assert (a[a >= 0] % 2 == 1).all()
    _, a = ann.search(Q, 5, allowed=np.arange(1, 5000, 4))
    assert (a >= 0).any() and (a[a >= 0] % 4 == 1).all()
    fresh = unit(rng.standard_normal((10, DIM)))
    ann.add(np.arange(10000, 10010), fresh)  # added after training
    _, a = ann.search(fresh, 1)
    assert (a[:, 0] == np.arange(10000, 10010)).all()


@needs_faiss
def test_catalog_with_ann_backend(vecs):
    with make(vecs=vecs, index="ann") as cat:
        r = cat.match(noisy(vecs[11]), k=3)
        assert cat.stats()["index"] == "ann" and r.matches[0].item_id == "item-11"
        cat.remove_item("item-11")
        assert cat.match(noisy(vecs[11])).matches[0].item_id != "item-11"


# --- enrollment through the identifier ---------------------------------------------------
def test_add_item_with_images_uses_identifier(tmp_path):
    ident = FakeIdentifier()
    photo = tmp_path / "watch.jpg"
    photo.write_bytes(b"W" + os.urandom(100))
    with vp.Catalog(":memory:", identifier=ident) as cat:
        cat.add_item("w1", "Watch", images=[str(photo), b"W-other-view"], value_low=1, value_high=2)
        it = cat.get_item("w1")
        assert it["reference_count"] == 2 and it["category"] == "wristwatch"  # from the identify result
        assert cat.model_id == ident.model_id
        r = cat.match(str(photo))  # a photo path is embedded through the identifier
        assert r.matches[0].item_id == "w1" and r.matches[0].similarity > 0.999
        r = cat.match(photo.read_bytes())
        assert r.matches[0].item_id == "w1"
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.add_item("x", "X", embeddings=unit(np.ones(DIM)), model_id="another")
    assert not ident.closed  # the caller's identifier is the caller's to close


# --- import / export ---------------------------------------------------------------------
def test_export_import_roundtrip(tmp_path, vecs):
    out = tmp_path / "items.jsonl"
    with make(vecs=vecs, n=12) as cat:
        cat.update_item("item-1", attributes={"year": 2015, "ref": "A"}, source="dealer")
        n = cio.export_jsonl(cat, out)
        before = [[(m.item_id, round(m.similarity, 4)) for m in cat.match(noisy(vecs[i]), k=3).matches]
                  for i in range(12)]
    assert n == 12 and len(out.read_text().splitlines()) == 12
    rec = json.loads(out.read_text().splitlines()[1])
    assert rec["item_id"] == "item-1" and rec["attributes"] == {"year": 2015, "ref": "A"}
    assert rec["model_id"] == MODEL and len(rec["embeddings"]) == 1
    with vp.Catalog(tmp_path / "new.sqlite", calibration=CAL) as cat2:
        rep = cio.import_jsonl(cat2, out, progress=True)
        assert (rep.added, rep.updated, rep.skipped) == (12, 0, 0)
        after = [[(m.item_id, round(m.similarity, 4)) for m in cat2.match(noisy(vecs[i]), k=3).matches]
                 for i in range(12)]
        assert before == after
        assert cat2.get_item("item-1")["source"] == "dealer"
        with pytest.raises(vp.CatalogError):
            cio.import_jsonl(cat2, out)
        assert cio.import_jsonl(cat2, out, on_conflict="skip").skipped == 12
        assert cio.import_jsonl(cat2, out, on_conflict="replace").updated == 12
        assert cat2.get_item("item-3")["reference_count"] == 1


def _jpeg_header_markers(data: bytes) -> set[int]:
    """Marker codes of the JPEG segments before the scan (SOS)."""
    assert data[:2] == b"\xff\xd8"
    pos, out = 2, set()
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:
            break
        out.add(marker)
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return out


def test_export_photos_strips_exif_and_import_folder(tmp_path):
    from PIL import Image

    src = tmp_path / "src"
    src.mkdir()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0)}  # GPS
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description>SecretXMP home: 12 Elm St</rdf:Description></rdf:RDF></x:xmpmeta>')
    for name, colour in (("red_mug", (200, 10, 10)), ("blue_vase", (10, 10, 200))):
        Image.new("RGB", (64, 48), colour).save(src / f"{name}.jpg", exif=exif, comment=b"home: 12 Elm St",
                                                icc_profile=icc, xmp=xmp, dpi=(300, 300))
    raw = (src / "red_mug.jpg").read_bytes()
    assert b"SecretCam" in raw and b"12 Elm St" in raw and b"SecretXMP" in raw and b"ICC_PROFILE" in raw
    with Image.open(src / "red_mug.jpg") as im:
        assert {"comment", "icc_profile", "xmp"} <= set(im.info)
    ident = FakeIdentifier()
    with vp.Catalog(tmp_path / "c.sqlite", identifier=ident) as cat:
        rep = cio.import_folder(cat, src, category="home", progress=False)
        assert rep.added == 2 and cat.get_item("red_mug")["name"] == "red mug"
        n = cio.export_jsonl(cat, tmp_path / "out" / "items.jsonl", photos_dir=tmp_path / "out" / "photos")
        assert n == 2
    recs = [json.loads(l) for l in (tmp_path / "out" / "items.jsonl").read_text().splitlines()]
    for rec in recs:
        assert len(rec["images"]) == 1
        data = (tmp_path / "out" / rec["images"][0]).read_bytes()
        assert b"SecretCam" not in data and b"Exif" not in data
        assert b"12 Elm St" not in data and b"SecretXMP" not in data and b"ns.adobe.com" not in data
        assert b"ICC_PROFILE" not in data and b"adobe:ns:meta" not in data
        assert not {0xFE, 0xE1, 0xE2, 0xED} & _jpeg_header_markers(data)  # no COM/APP1/APP2/APP13
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif()
            assert not {"comment", "icc_profile", "xmp", "exif", "photoshop"} & set(im.info)
    # re-import from the exported photos only (no embeddings) re-embeds them
    for rec in recs:
        rec.pop("embeddings")
    (tmp_path / "out" / "noemb.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    with vp.Catalog(":memory:", identifier=FakeIdentifier()) as cat:
        assert cio.import_jsonl(cat, tmp_path / "out" / "noemb.jsonl").added == 2
        assert cat.get_item("blue_vase")["reference_count"] == 1


def test_library_does_not_print(capsys, vecs, tmp_path):
    with make(tmp_path / "c.sqlite", vecs=vecs, n=5) as cat:
        cat.match(vecs[0])
        cio.export_jsonl(cat, tmp_path / "x.jsonl")
        cat.remove_item("item-0")
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""


# --- CLI ---------------------------------------------------------------------------------
def test_cli_end_to_end(tmp_path, monkeypatch, capsys):
    from valuepix_core.catalog.catalog import Catalog
    from valuepix_core.cli import main

    monkeypatch.setattr(Catalog, "_get_identifier", lambda self: FakeIdentifier())
    db = str(tmp_path / "cli.sqlite")
    photo = tmp_path / "w.jpg"
    photo.write_bytes(b"W" + b"watch-bytes" * 10)
    assert main(["catalog", "--catalog", db, "add", "w1", "Omega Speedmaster", "--image", str(photo),
                 "--low", "3000", "--high", "4500", "--attr", "year=1969"]) == 0
    assert main(["catalog", "--catalog", db, "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out.splitlines()[-1])["attributes"] == {"year": 1969}
    assert main(["catalog", "--catalog", db, "match", str(photo), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["matches"][0]["item_id"] == "w1"
    assert main(["catalog", "export", "--catalog", db, str(tmp_path / "e.jsonl"), "--no-progress"]) == 0
    db2 = str(tmp_path / "cli2.sqlite")
    monkeypatch.setenv("VALUEPIX_CATALOG", db2)
    assert main(["catalog", "import", str(tmp_path / "e.jsonl"), "--no-progress"]) == 0
    assert main(["catalog", "remove", "w1"]) == 0
    assert main(["catalog", "--catalog", db, "remove", "nope"]) == 1  # ItemNotFoundError -> exit 1
    capsys.readouterr()
    assert main(["catalog", "--catalog", db2, "list"]) == 0
    assert "w1" not in capsys.readouterr().out
    # relative paths: a folder import and an export into a new sub-folder
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "red_mug.jpg").write_bytes(b"W-mug")
    assert main(["catalog", "--catalog", "rel.sqlite", "import", "--folder", "pics", "--no-progress"]) == 0
    assert main(["catalog", "--catalog", "rel.sqlite", "export", "out/x.jsonl", "--no-progress"]) == 0
    assert json.loads((tmp_path / "out" / "x.jsonl").read_text())["name"] == "red mug"


@needs_faiss
def test_float32_and_float16_exact_backends_agree(tmp_path, vecs):
    qs = noisy(vecs[:20], 0.3, 9)
    out = {}
    for dt in ("float32", "float16"):
        with make(vecs=vecs, exact_dtype=dt) as cat:
            out[dt] = [([m.item_id for m in r.matches], r.unknown) for r in cat.match_many(qs, k=5)]
            assert cat._index.dtype == np.dtype(dt)
    assert out["float32"] == out["float16"]
    with make(vecs=vecs, exact_dtype="float32", mmap_path=str(tmp_path / "m.npy")) as cat:
        assert [([m.item_id for m in r.matches], r.unknown) for r in cat.match_many(qs, k=5)] == out["float32"]
        assert os.path.exists(tmp_path / "m.npy")
    assert not os.path.exists(tmp_path / "m.npy")


@needs_faiss
def test_catalog_ann_trained_with_category_filter(tmp_path):
    rng = np.random.default_rng(12)
    X = unit(rng.standard_normal((3000, DIM)))
    p = tmp_path / "big.sqlite"
    with vp.Catalog(p, calibration=CAL) as cat:
        for i in range(3000):
            cat.add_item(f"i{i}", f"I{i}", category=("a", "b", "c")[i % 3], embeddings=X[i], model_id=MODEL)
    with vp.Catalog(p, calibration=CAL, index="ann") as cat:
        q = noisy(X[:60], 0.05, 3)
        res = cat.match_many(q, k=3)
        assert cat._index.trained and cat.stats()["index"] == "ann"
        assert np.mean([r.matches[0].item_id == f"i{i}" for i, r in enumerate(res)]) >= 0.95
        r = cat.match(q[4], k=3, category="c")  # item i4 is in "b"
        assert r.matches and all(m.category == "c" for m in r.matches)
        assert cat.match(q[4], category="b").matches[0].item_id == "i4"
        cat.remove_item("i4")
        assert cat.match(q[4]).matches[0].item_id != "i4"
        cat.add_item("new", "New", embeddings=X[4], model_id=MODEL)  # into the trained index
        assert cat.match(q[4]).matches[0].item_id == "new"


def test_damaged_content_and_foreign_databases_raise_catalog_corrupt(tmp_path, vecs):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes(x)")
    con.commit()
    con.close()
    with pytest.raises(vp.CatalogCorruptError, match="not a valuepix catalog"):
        vp.Catalog(other)
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["notes"]  # left untouched
    con.close()
    for sql, action in (
        ("UPDATE items SET attributes='{broken' WHERE item_id='item-1'", lambda c: c.get_item("item-1")),
        ("UPDATE items SET name=CAST(x'fffe41' AS TEXT) WHERE item_id='item-2'", lambda c: list(c.items())),
        ("UPDATE embeddings SET vector=x'0102' WHERE item_id='item-3'", lambda c: c.match(vecs[0])),
    ):
        p = tmp_path / f"d{abs(hash(sql))}.sqlite"
        make(p, vecs=vecs, n=5).close()
        con = sqlite3.connect(p)
        con.execute(sql)
        con.commit()
        con.close()
        with vp.Catalog(p, calibration=CAL) as cat:
            with pytest.raises(vp.CatalogCorruptError):
                action(cat)


# --- no raw sqlite3 / OS / encoding exceptions escape the catalog -----------------------------
def _raises_exactly(cls, fn, *a, **kw):
    with pytest.raises(vp.ValuePixError) as ei:
        fn(*a, **kw)
    assert type(ei.value) is cls, repr(ei.value)
    return ei.value


def test_readonly_catalog_refuses_writes_with_catalog_error(tmp_path, vecs):
    path = tmp_path / "c.sqlite"
    make(path, vecs=vecs, n=3).close()
    with vp.Catalog(path, calibration=CAL, readonly=True) as ro:
        assert ro.readonly
        e = _raises_exactly(vp.CatalogError, ro.add_item, "new", "New", embeddings=vecs[5], model_id=MODEL)
        assert "read-only" in str(e)
        _raises_exactly(vp.CatalogError, ro.update_item, "item-1", name="Renamed")
        _raises_exactly(vp.CatalogError, ro.remove_item, "item-1")
        assert len(ro) == 3 and ro.get_item("item-1")["name"] == "Item 1"
        assert ro.match(vecs[1]).matches[0].item_id == "item-1"


def test_readonly_store_write_maps_to_catalog_error(tmp_path, vecs):
    # even bypassing the up-front check, SQLite's "attempt to write a readonly database" is mapped
    path = tmp_path / "c.sqlite"
    make(path, vecs=vecs, n=2).close()
    st = store_mod.Store(path, readonly=True)
    try:
        def write():
            with st.transaction() as con:
                con.execute("DELETE FROM items")
        e = _raises_exactly(vp.CatalogError, write)
        assert isinstance(e.__cause__, sqlite3.Error) and "read-only" in str(e)
    finally:
        st.close()


def test_unopenable_paths_raise_catalog_error(tmp_path):
    e = _raises_exactly(vp.CatalogError, vp.Catalog, tmp_path / "no" / "such" / "dir" / "c.sqlite")
    assert "cannot open" in str(e)
    _raises_exactly(vp.CatalogError, vp.Catalog, tmp_path)  # a directory
    _raises_exactly(vp.CatalogError, vp.Catalog, tmp_path / "missing.sqlite", readonly=True)
    _raises_exactly(vp.InvalidArgumentError, vp.Catalog, str(tmp_path / "a\x00b.sqlite"))


def test_locked_catalog_raises_catalog_error(tmp_path, vecs):
    path = tmp_path / "c.sqlite"
    with make(path, vecs=vecs, n=2) as cat:
        cat._store._connect().execute("PRAGMA busy_timeout=0")  # do not wait 30 s in a test
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            e = _raises_exactly(vp.CatalogError, cat.add_item, "x", "X", embeddings=vecs[9], model_id=MODEL)
            assert "locked" in str(e)
            _raises_exactly(vp.CatalogError, cat.remove_item, "item-0")
        finally:
            other.execute("ROLLBACK")
            other.close()
        cat.add_item("x", "X", embeddings=vecs[9], model_id=MODEL)
        assert len(cat) == 3


def test_non_utf8_text_raises_invalid_argument(vecs):
    with make(vecs=vecs, n=2) as cat:
        bad = "x\ud800"
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, bad, "N", embeddings=vecs[3], model_id=MODEL)
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", bad, embeddings=vecs[3], model_id=MODEL)
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", category=bad)
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", attributes={bad: 1})
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", attributes={"k": [bad]})
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", source=bad)
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", attributes={"k": {1, 2}})
        _raises_exactly(vp.InvalidArgumentError, cat.add_item, "ok", "N", category=7)
        _raises_exactly(vp.InvalidArgumentError, cat.update_item, "item-0", name=bad)
        _raises_exactly(vp.InvalidArgumentError, cat.get_item, bad)
        _raises_exactly(vp.InvalidArgumentError, cat.remove_item, bad)
        assert bad not in cat and "ok" not in cat and len(cat) == 2
        # the duplicate-id error is still a plain CatalogError
        _raises_exactly(vp.CatalogError, cat.add_item, "item-0", "Dup", embeddings=vecs[3], model_id=MODEL)


def test_closed_catalog_raises_catalog_error(tmp_path, vecs):
    cat = make(tmp_path / "c.sqlite", vecs=vecs, n=2)
    cat.close()
    _raises_exactly(vp.CatalogError, cat.get_item, "item-0")
    _raises_exactly(vp.CatalogError, cat.add_item, "x", "X")


# --- per-thread connections are closed when their thread ends ---------------------------------
def test_short_lived_threads_do_not_leak_connections(tmp_path, vecs):
    import gc

    def nfds():
        return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None

    with make(tmp_path / "c.sqlite", vecs=vecs, n=5) as cat:
        cat.get_item("item-0")
        gc.collect()
        before_conns, before_fds = cat._store.live_connections(), nfds()
        assert before_conns == 1
        errors = []

        def read(i):
            try:
                assert cat.get_item(f"item-{i % 5}")["name"] == f"Item {i % 5}"
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def batch():
            ts = [threading.Thread(target=read, args=(i,)) for i in range(5)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            gc.collect()

        for _ in range(10):  # 50 threads in all, 5 alive at a time
            batch()
        assert not errors
        assert cat._store.live_connections() <= 2
        if before_fds is not None:
            # SQLite's unix VFS parks (and later reuses) the fd of a closed connection while another
            # connection of the process holds a lock on the file, so a few fds -- bounded by the peak
            # number of concurrent threads, not by the number of threads ever run -- may remain
            assert nfds() <= before_fds + 8  # was ~2 per thread ever run (100+) before the fix
        # the catalog still works, from this thread and from new ones, and writes still land
        cat.add_item("late", "Late", embeddings=vecs[7], model_id=MODEL)
        t = threading.Thread(target=read, args=(3,))
        t.start()
        t.join()
        assert not errors and cat.match(vecs[7]).matches[0].item_id == "late"
    assert cat._store.live_connections() == 0
