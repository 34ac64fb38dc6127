"""Concurrency: one Identifier shared by 8 threads == sequential; parallel Dictation sessions ==
sequential; catalog writes concurrent with reads (threads in one process and a second process
reading the same SQLite WAL file) — identical results, no errors.

Results are compared exactly (labels, scores, embeddings bit for bit; transcripts word for word);
there are no timing asserts.  Rounds: VALUEPIX_CONCURRENCY_ROUNDS (default 1; docs/reliability.md
records runs with more).
"""
from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import valuepix_core as vp
from test_dictation_support import SKIP_REASON, fixture_names, korean_model_dir, load_wav
from test_reliability_integrity import CAL, MODEL, vectors
from test_reliability_support import REPO, run_child

ROUNDS = int(os.environ.get("VALUEPIX_CONCURRENCY_ROUNDS", "1"))
KO = korean_model_dir()


def _images():
    ex = sorted((REPO / "examples").glob("*.jpg"))
    rng = np.random.default_rng(11)
    arrays = [rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for h, w in ((240, 320), (97, 131), (400, 300))]
    arrays.append(np.full((64, 64), 200, np.uint8))
    return [p.read_bytes() for p in ex] + arrays


def _key(r):
    return (tuple((lab.index, lab.name, lab.score) for lab in r.labels), np.asarray(r.embedding).tobytes())


def test_identifier_shared_by_8_threads_equals_sequential():
    images = _images()
    with vp.Identifier() as ident:
        expected = [_key(ident.identify(im)) for im in images]
        barrier = threading.Barrier(8)

        def worker(t):
            barrier.wait()  # all 8 start together
            out = []
            for rnd in range(2 * ROUNDS):
                order = list(range(len(images)))
                np.random.default_rng(100 * t + rnd).shuffle(order)  # different interleavings per thread
                for i in order:
                    out.append((i, _key(ident.identify(images[i]))))
            if t % 2 == 0:  # batches too, concurrently with single calls
                out.extend(enumerate(_key(r) for r in ident.identify_batch(images)))
            return out

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(worker, range(8)))
    n = 0
    for out in results:
        for i, key in out:
            assert key == expected[i], f"image {i}: threaded result differs from sequential"
            n += 1
    assert n == 8 * 2 * ROUNDS * len(images) + 4 * len(images)


def _transcribe(audio: np.ndarray, chunk: int):
    opts = vp.DictationOptions(model_dir=KO, deterministic=True)
    with vp.Dictation(opts) as d:
        finals = []
        for s in range(0, len(audio), chunk):
            finals.extend(e.text for e in d.feed(audio[s:s + chunk]) if isinstance(e, vp.FinalTranscript))
        last = d.finish()
        finals.append(last.text)
        return " ".join(t for t in finals if t), tuple((w.word, w.start, w.end) for w in last.words)


@pytest.mark.skipif(KO is None, reason=SKIP_REASON)
def test_parallel_dictation_sessions_equal_sequential():
    """Three Korean recordings decoded sequentially, then by three concurrent sessions (each a
    different recording and chunking): identical transcripts and word timings."""
    names = [n for n in fixture_names() if n.endswith(".wav")][:3]
    audios = {n: load_wav(n) for n in names}
    expected = {n: _transcribe(a, 1600) for n, a in audios.items()}
    assert all(t for t, _ in expected.values())
    chunks = [800, 3200, 16000]

    def worker(k):
        out = []
        for rnd in range(ROUNDS):
            n = names[(k + rnd) % len(names)]
            out.append((n, _transcribe(audios[n], chunks[(k + rnd) % len(chunks)])))
        return out

    barrier = threading.Barrier(len(names))

    def start(k):
        barrier.wait()
        return worker(k)

    with ThreadPoolExecutor(len(names)) as pool:
        results = [r for out in pool.map(start, range(len(names))) for r in out]
    for n, got in results:
        assert got == expected[n], (n, got, expected[n])
    assert len(results) == len(names) * ROUNDS


READER_CHILD = """
    import json, sys
    import numpy as np
    import valuepix_core as vp
    from test_reliability_integrity import CAL, vectors
    path, n_base, loops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cat = vp.Catalog(path, calibration=CAL, readonly=True)
    print("READY", flush=True)
    sys.stdin.readline()  # the parent starts writing, then says go
    seen = set()
    for it in range(loops):
        i = it % n_base
        r = cat.match(vectors(i)[0], k=1)
        assert r.matches[0].item_id == f"item-{i}", (i, r.matches[0].item_id)
        seen.add(len(cat))
    cat.close()
    print(json.dumps({"ok": loops, "sizes_seen": sorted(seen)[:3] + sorted(seen)[-3:]}), flush=True)
"""


def test_catalog_writes_concurrent_with_reads(tmp_path):
    """A writer thread adds and removes items while 4 reader threads (same Catalog) and a reader
    process (its own read-only Catalog on the same WAL file) keep matching the base items: every
    read gives the sequential answer, no errors; the final catalog equals one built sequentially."""
    p = tmp_path / "wal.sqlite"
    n_base, n_new, n_max, loops = 20, 120, 1500, 1500 * ROUNDS
    errors: list = []
    with vp.Catalog(p, calibration=CAL) as cat:
        for i in range(n_base):
            cat.add_item(f"item-{i}", f"Item {i}", value_low=1.0, value_high=2.0, embeddings=vectors(i), model_id=MODEL)
        expected = {i: cat.match(vectors(i)[0], k=3) for i in range(n_base)}
        con_mode = cat._store._connect().execute("PRAGMA journal_mode").fetchone()[0]
        assert con_mode == "wal"
        stop = threading.Event()
        reads = [0] * 4

        def reader(t):
            try:
                k = 0
                while not stop.is_set() or k < 50:
                    i = (k * 7 + t) % n_base
                    r = cat.match(vectors(i)[0], k=3)
                    e = expected[i]
                    # new items are far from the base ones (negated vectors), so the top hit is stable
                    assert r.matches[0].item_id == e.matches[0].item_id
                    # same item, same score up to float summation order (the matrix grows and shrinks,
                    # and BLAS/faiss block the dot products by matrix size)
                    assert abs(r.matches[0].similarity - e.matches[0].similarity) < 1e-5
                    k += 1
                reads[t] = k
            except Exception as exc:  # reported below
                errors.append(exc)

        written = [0]

        def writer():
            # at least n_new items, and on until the reader process has finished (bounded)
            try:
                for j in range(n_max):
                    if j >= n_new and child.poll() is not None:
                        break
                    written[0] = j + 1
                    cat.add_item(f"new-{j}", f"New {j}", embeddings=-vectors(500 + j), model_id=MODEL)
                    if j % 3 == 2:
                        cat.remove_item(f"new-{j - 1}")
            except Exception as exc:
                errors.append(exc)

        import subprocess
        import sys
        import textwrap
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests"), env.get("PYTHONPATH", "")])
        child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(READER_CHILD), str(p), str(n_base),
                                  str(loops)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO))
        assert child.stdout.readline().strip() == "READY", child.stderr.read()
        threads = [threading.Thread(target=reader, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        w = threading.Thread(target=writer)
        w.start()
        child.stdin.write("go\n")
        child.stdin.flush()
        w.join()
        stop.set()
        for t in threads:
            t.join()
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        report = json.loads(out.strip().splitlines()[-1])
        print("reader process:", report, "writer items:", written[0])  # informational
        assert report["ok"] == loops
        assert not errors, errors[:3]
        assert all(r >= 50 for r in reads), reads
        final_ids = sorted(it["item_id"] for it in cat.items())
        final_match = [cat.match(vectors(i)[0], k=5) for i in range(n_base)]
    # sequential build of the same operations
    seq = tmp_path / "seq.sqlite"
    with vp.Catalog(seq, calibration=CAL) as s:
        for i in range(n_base):
            s.add_item(f"item-{i}", f"Item {i}", value_low=1.0, value_high=2.0, embeddings=vectors(i), model_id=MODEL)
        for j in range(written[0]):
            s.add_item(f"new-{j}", f"New {j}", embeddings=-vectors(500 + j), model_id=MODEL)
            if j % 3 == 2:
                s.remove_item(f"new-{j - 1}")
        assert sorted(it["item_id"] for it in s.items()) == final_ids
        for i in range(n_base):
            a, b = s.match(vectors(i)[0], k=5), final_match[i]
            assert [m.item_id for m in a.matches] == [m.item_id for m in b.matches]
            np.testing.assert_allclose([m.similarity for m in a.matches], [m.similarity for m in b.matches],
                                       rtol=0, atol=1e-5)  # same scores up to summation order
    # reopened from disk: same again
    with vp.Catalog(p, calibration=CAL) as again:
        assert sorted(it["item_id"] for it in again.items()) == final_ids
