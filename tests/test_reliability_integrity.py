"""Integrity and crash-safety: tampered / truncated / missing models, truncated and damaged catalog
databases, catalogs made by another model, and ``kill -9`` in the middle of a bulk catalog import
(a real subprocess killed with SIGKILL, several times over the same database)."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core.catalog import Calibration
from test_reliability_support import MODEL_DIR, REPO, fake_model_dir

DIM = 32
MODEL = "reliability-model-v1"
CAL = Calibration(model_id=MODEL, sim_threshold=0.8, margin_threshold=0.05, coef=(20.0, 30.0, -16.0))
INT8 = json.loads((MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))["files"]["int8"]["path"]


def vectors(i: int, n: int = 3) -> np.ndarray:
    v = np.random.default_rng(1000 + i).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# -------------------------------------------------------------------------------------------- models
def _copy_with(tmp: Path, mutate) -> Path:
    d = fake_model_dir(tmp, real_file=True)
    f = d / INT8
    f.write_bytes(mutate(f.read_bytes()))
    return d


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


MODEL_CASES = {
    "one-bit-flipped-middle": (lambda d: _flip(d, len(d) // 2), vp.ModelIntegrityError),
    "one-bit-flipped-first": (lambda d: _flip(d, 0), vp.ModelIntegrityError),
    "one-bit-flipped-last": (lambda d: _flip(d, len(d) - 1), vp.ModelIntegrityError),
    "truncated-half": (lambda d: d[: len(d) // 2], vp.ModelIntegrityError),
    "truncated-1-byte": (lambda d: d[:-1], vp.ModelIntegrityError),
    "appended-byte": (lambda d: d + b"\0", vp.ModelIntegrityError),
    "zero-length": (lambda d: b"", vp.ModelIntegrityError),
    "replaced-same-size": (lambda d: bytes(len(d)), vp.ModelIntegrityError),
}


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
def test_tampered_model_refused(tmp_path, case):
    mutate, exc = MODEL_CASES[case]
    d = _copy_with(tmp_path / case, mutate)
    with pytest.raises(exc):
        vp.Identifier(vp.IdentifierOptions(model=d))


def test_intact_copy_loads(tmp_path):
    """The control: the same copy procedure without tampering loads and identifies."""
    d = fake_model_dir(tmp_path / "intact", real_file=True)
    with vp.Identifier(vp.IdentifierOptions(model=d)) as ident:
        r = ident.identify(np.full((64, 64, 3), 128, np.uint8))
        assert len(r.labels) == 5


def test_model_manifest_problems(tmp_path):
    # missing model file / missing manifest
    with pytest.raises(vp.ModelNotFoundError):
        vp.Identifier(vp.IdentifierOptions(model=fake_model_dir(tmp_path / "nofile")))
    with pytest.raises(vp.ModelNotFoundError):
        vp.Identifier(vp.IdentifierOptions(model=tmp_path / "does-not-exist"))
    # the manifest's hash edited (the file is intact, the manifest lies)
    def bad_hash(m):
        m["files"]["int8"]["sha256"] = "0" * 64
    with pytest.raises(vp.ModelIntegrityError):
        vp.Identifier(vp.IdentifierOptions(model=fake_model_dir(tmp_path / "hash", real_file=True,
                                                                manifest_patch=bad_hash)))
    # tampered labels file (labels are hashed too)
    d = fake_model_dir(tmp_path / "labels", real_file=True)
    lab = json.loads((d / "manifest.json").read_text())["files"]["labels"]["path"]
    (d / lab).write_text((d / lab).read_text().replace("goldfish", "goldfizz"))
    with pytest.raises(vp.ModelIntegrityError):
        vp.Identifier(vp.IdentifierOptions(model=d))
    # malformed manifests
    for i, text in enumerate(["", "{", "[]", '{"name": "x"}', json.dumps({"name": 1, "version": 1, "files": 3})]):
        m = tmp_path / f"m{i}"
        m.mkdir()
        (m / "manifest.json").write_text(text)
        with pytest.raises((vp.ModelSpecError, vp.ModelNotFoundError)):
            vp.Identifier(vp.IdentifierOptions(model=m))


# ------------------------------------------------------------------------------------------ catalogs
def make_catalog(path, n=40, model=MODEL):
    cat = vp.Catalog(path, calibration=CAL)
    for i in range(n):
        cat.add_item(f"item-{i}", f"Item {i}", category="watch", value_low=10.0 * i, value_high=10.0 * i + 5,
                     embeddings=vectors(i), model_id=model)
    return cat


def _use(path):
    """Open and read everything; returns the item count."""
    with vp.Catalog(path, calibration=CAL) as cat:
        n = len(cat)
        list(cat.items())
        if n:
            cat.match(vectors(0)[0], k=3)
        return n


def test_truncated_catalog_is_corrupt(tmp_path):
    p = tmp_path / "c.sqlite"
    make_catalog(p).close()
    data = p.read_bytes()
    assert len(data) >= 8 * 4096
    cuts = sorted({1, 50, 99, 100, 101, 512, 4096, 4097} | {len(data) * k // 8 for k in range(1, 8)} | {len(data) - 1})
    for cut in cuts:
        t = tmp_path / f"t{cut}.sqlite"
        t.write_bytes(data[:cut])
        with pytest.raises(vp.CatalogCorruptError):
            _use(t)


def test_damaged_catalog_pages_never_escape_the_error_tree(tmp_path):
    """Random damage (120 seeds) inside a full-size file: either the catalog still reads (the damage hit unused
    bytes) or a CatalogError — CatalogCorruptError, or CatalogModelMismatchError when the damage
    lands in a stored model id — never sqlite3.DatabaseError, UnicodeDecodeError or anything else.
    (Found here: damaged text escaped as sqlite3.OperationalError / UnicodeDecodeError; fixed in
    42330dd.)"""
    p = tmp_path / "c.sqlite"
    make_catalog(p).close()
    data = p.read_bytes()
    rng = random.Random(5)
    outcomes = {"ok": 0, "corrupt": 0, "mismatch": 0}
    for k in range(120):
        d = bytearray(data)
        start = rng.randrange(100, len(d) - 64)
        for i in range(start, start + rng.choice([1, 8, 64])):
            d[i] = rng.randrange(256)
        t = tmp_path / f"d{k}.sqlite"
        t.write_bytes(bytes(d))
        try:
            _use(t)
            outcomes["ok"] += 1
        except vp.CatalogCorruptError:
            outcomes["corrupt"] += 1
        except vp.CatalogModelMismatchError:
            outcomes["mismatch"] += 1
    print("damaged catalogs:", outcomes)
    assert outcomes["corrupt"] >= 1, outcomes


def test_not_a_catalog(tmp_path):
    for name, data in {"text": b"hello\n" * 100, "zeros": b"\0" * 8192, "random": os.urandom(8192),
                       "png": b"\x89PNG\r\n\x1a\n" + os.urandom(500)}.items():
        f = tmp_path / name
        f.write_bytes(data)
        with pytest.raises(vp.CatalogCorruptError):
            _use(f)
    # a plain SQLite database of somebody else's schema
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE items(x)")
    con.commit()
    con.close()
    with pytest.raises(vp.CatalogError):
        _use(other)


@dataclass
class _Result:
    embedding: np.ndarray
    model_id: str


def test_catalog_made_by_another_model(tmp_path):
    p = tmp_path / "c.sqlite"
    make_catalog(p, n=5).close()
    with vp.Catalog(p, calibration=CAL) as cat:  # reopened from disk: the model id persisted
        assert cat.model_id == MODEL
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.add_item("x", "X", embeddings=vectors(99), model_id="another-model")
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.match(_Result(vectors(1)[0], "another-model"))
        # the bundled Identifier's embeddings are of another model than this catalog's
        with vp.Identifier() as ident:
            r = ident.identify(np.full((32, 32, 3), 90, np.uint8))
        assert r.model_id != MODEL
        with pytest.raises(vp.CatalogModelMismatchError):
            cat.match(r)
        assert len(cat) == 5 and "x" not in cat


# ------------------------------------------------------------------------------------ kill -9 import
IMPORT_CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import valuepix_core as vp
    from test_reliability_integrity import CAL, MODEL, vectors
    path, start, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cat = vp.Catalog(path, calibration=CAL)
    print("READY", len(cat), flush=True)
    for i in range(start, stop):
        cat.add_item(f"item-{i}", f"Item {i}", category="watch", value_low=float(i), value_high=float(i) + 1,
                     attributes={"i": i}, embeddings=vectors(i), model_id=MODEL)
        print("COMMITTED", i, flush=True)   # add_item returned: the transaction is committed
    print("DONE", flush=True)
""")


def _child(args, **kw):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests"), env.get("PYTHONPATH", "")])
    return subprocess.Popen([sys.executable, "-c", IMPORT_CHILD, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO), **kw)


def _verify(path, committed: set[int], in_flight: set[int]) -> int:
    """Everything committed is there, complete and exact; no partial item; the file is sound and
    still writable. Returns the item count."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    with vp.Catalog(path, calibration=CAL) as cat:
        n = len(cat)
        ids = {it["item_id"] for it in cat.items()}
        missing = [i for i in committed if f"item-{i}" not in ids]
        assert not missing, f"committed items lost after kill -9: {missing[:10]}"
        extra = {int(x.split("-")[1]) for x in ids} - committed
        assert extra <= in_flight, f"items that were never started: {sorted(extra - in_flight)[:10]}"
        for item_id in ids:  # atomic items: all three reference embeddings or none
            i = int(item_id.split("-")[1])
            emb, _ = cat.reference_embeddings(item_id)
            assert emb.shape == (3, DIM), (item_id, emb.shape)
            assert np.allclose(emb, vectors(i), atol=2e-3), item_id
            assert cat.get_item(item_id)["attributes"] == {"i": i}
        # usable: matches and accepts a write
        if committed:
            j = max(committed)
            assert cat.match(vectors(j)[1], k=1).matches[0].item_id == f"item-{j}"
        return n


def test_kill_9_during_bulk_import_loses_nothing(tmp_path):
    """Five rounds on one database: a child imports items one transaction each and reports each
    commit; it is SIGKILLed at a random point (after 5..60 commits); the parent then checks that
    every reported item survived intact, no item is partial, integrity_check is ok, and the next
    round resumes on the same file."""
    path = tmp_path / "bulk.sqlite"
    rng = random.Random(99)
    committed: set[int] = set()
    in_flight: set[int] = set()
    nxt = 0
    rounds = int(os.environ.get("VALUEPIX_KILL9_ROUNDS", "5"))
    for rnd in range(rounds):
        kill_after = rng.randrange(5, 60)
        proc = _child([path, nxt, nxt + 10_000])
        try:
            ready = proc.stdout.readline()
            assert ready.startswith("READY"), (ready, proc.stderr.read() if proc.poll() is not None else "")
            seen = 0
            for line in proc.stdout:
                if line.startswith("COMMITTED"):
                    committed.add(int(line.split()[1]))
                    seen += 1
                    if seen >= kill_after:
                        os.kill(proc.pid, signal.SIGKILL)
                        break
            proc.wait(timeout=60)
            for line in proc.stdout.read().splitlines():  # reported before the kill landed
                if line.startswith("COMMITTED"):
                    committed.add(int(line.split()[1]))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL, (rnd, proc.returncode)
        # beyond what was reported, only the one item in flight when the kill landed may exist
        in_flight.add(max(committed) + 1)
        _verify(path, committed, in_flight)
        nxt = max(committed) + 2  # skip the possibly-committed in-flight id
    assert len(committed) >= rounds * 5
    print(f"kill -9: {rounds} rounds, {len(committed)} committed items all intact, "
          f"{len(in_flight)} in-flight items (each whole or absent)")
