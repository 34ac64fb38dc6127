"""Catalog on real photos (../shared/eval/imagenet-sample, skipped when absent) with the bundled
INT8 identifier.  Each photo is one catalog item.  Figures are printed (see them with ``-rP``) and
recorded in docs/catalog.md.

Augmentation (valuepix_core.catalog.augment): random crop 70–90 % of each side, rotation ±15°,
brightness / contrast ×0.75–1.25, JPEG quality 60.  Enrollment and query views use seeds distinct
from each other and from the calibration run (calibrate.py uses 101–103).
"""
from __future__ import annotations

import os
import sqlite3

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core.catalog.augment import augmented_view

pytestmark = pytest.mark.eval

ENROLL_SEED, QUERY_SEED, SPLIT_SEED = 11, 22, 2024


@pytest.fixture(scope="module")
def identifier():
    try:
        ident = vp.Identifier()
    except Exception as exc:  # pragma: no cover - identifier not available in this checkout
        pytest.skip(f"Identifier unavailable: {exc}")
    yield ident
    ident.close()


@pytest.fixture(scope="module")
def views(eval_images, identifier):
    """{seed: (n, d) embeddings} of one augmented view per photo (computed once per module)."""
    out = {}
    for seed in (ENROLL_SEED, QUERY_SEED):
        blobs = [augmented_view(p, [seed, i]) for i, p in enumerate(eval_images)]
        rs = []
        for s in range(0, len(blobs), 32):
            rs.extend(identifier.identify_batch(blobs[s:s + 32]))
        out[seed] = np.stack([r.embedding for r in rs])
    out["model_id"] = rs[0].model_id
    return out


def _catalog_of(views, idx, eval_images, path=":memory:", **kw):
    cat = vp.Catalog(path, **kw)
    for i in idx:
        stem = eval_images[i].stem
        cat.add_item(stem, stem.split("_", 1)[1].replace("_", " "), value_low=10.0 + i, value_high=20.0 + i,
                     embeddings=views[ENROLL_SEED][i], model_id=views["model_id"])
    return cat


def test_enroll_through_identifier_matches_photo(eval_images, identifier, views):
    with vp.Catalog(":memory:", identifier=identifier) as cat:
        for i in range(8):
            cat.add_item(f"p{i}", eval_images[i].stem, images=[augmented_view(eval_images[i], [ENROLL_SEED, i])],
                         value_low=1, value_high=2)
            stored, _ = cat.reference_embeddings(f"p{i}")
            assert float(stored[0] @ views[ENROLL_SEED][i]) > 0.999  # float16 storage
            assert cat.get_item(f"p{i}")["category"]  # taken from the identify result
        assert cat.model_id == identifier.model_id
        for i in range(8):  # query with a *photo* (bytes of another view)
            r = cat.match(augmented_view(eval_images[i], [QUERY_SEED, i]), k=3)
            assert r.matches[0].item_id == f"p{i}"


def test_retrieval_recall_on_real_photos(eval_images, views):
    n = len(eval_images)
    with _catalog_of(views, range(n), eval_images) as cat:
        results = cat.match_many(views[QUERY_SEED], k=5)
    ids = [[m.item_id for m in r.matches] for r in results]
    truth = [p.stem for p in eval_images]
    r1 = np.mean([i[0] == t for i, t in zip(ids, truth)])
    r5 = np.mean([t in i[:5] for i, t in zip(ids, truth)])
    print(f"retrieval: {n} items, recall@1 {r1:.4f}, recall@5 {r5:.4f}")
    assert r1 >= 0.95, r1
    assert r5 >= 0.99, r5


def test_open_set_on_real_photos(eval_images, views):
    n = len(eval_images)
    perm = np.random.default_rng(SPLIT_SEED).permutation(n)
    enrolled, held = np.sort(perm[: n // 2]), np.sort(perm[n // 2:])
    with _catalog_of(views, enrolled, eval_images) as cat:
        calib = cat.calibration
        assert calib.model_id.rsplit("-", 1)[0] == views["model_id"].rsplit("-", 1)[0], \
            "no calibration for this model: run python -m valuepix_core.catalog.calibrate --write"
        res = cat.match_many(views[QUERY_SEED], k=5)
    truth = [p.stem for p in eval_images]
    flagged = np.mean([res[i].unknown for i in held])
    right = np.mean([(not res[i].unknown) and res[i].matches[0].item_id == truth[i] for i in enrolled])
    valued = np.mean([res[i].valuation is not None for i in enrolled if not res[i].unknown])
    conf_known = np.median([res[i].matches[0].confidence for i in enrolled])
    conf_unknown = np.median([res[i].matches[0].confidence for i in held])
    print(f"open set: {len(enrolled)} enrolled, {len(held)} not; unknown flagged for {flagged:.4f} of "
          f"non-enrolled; right item and not unknown for {right:.4f} of enrolled; "
          f"median top confidence {conf_known:.3f} (enrolled) vs {conf_unknown:.3f} (not)")
    assert flagged >= 0.90, flagged
    assert right >= 0.95, right
    assert valued == 1.0
    assert conf_known > 0.9 > 0.1 > conf_unknown


def test_removal_of_real_item_leaves_nothing_on_disk(tmp_path, eval_images, views):
    p = tmp_path / "real.sqlite"
    with _catalog_of(views, range(10), eval_images, path=p) as cat:
        victim = eval_images[3].stem
        blob = cat.reference_embeddings(victim)[0][0].astype("<f2").tobytes()
        cat.remove_item(victim)
        r = cat.match(views[QUERY_SEED][3])
        assert victim not in [m.item_id for m in r.matches] and r.unknown
    con = sqlite3.connect(p)
    assert con.execute("SELECT count(*) FROM embeddings WHERE item_id=?", (victim,)).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM items WHERE item_id=?", (victim,)).fetchone()[0] == 0
    con.close()
    raw = b"".join(open(str(p) + s, "rb").read() for s in ("", "-wal") if os.path.exists(str(p) + s))
    assert blob not in raw and victim.encode() not in raw
