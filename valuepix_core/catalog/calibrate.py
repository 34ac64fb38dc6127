"""Re-runnable calibration of the open-set thresholds and the confidence model.

Run (writes ``valuepix_core/catalog/_calibration_data.py`` for the identifier's model id)::

    python -m valuepix_core.catalog.calibrate --photos ../shared/eval/imagenet-sample --write

Method (deterministic for a given photo folder, ``--rounds`` and ``--seed``):

1. Each photo is rendered as augmented views (:mod:`.augment`: crop 70–90 %, rotation ±15°,
   brightness / contrast jitter, JPEG q60) and embedded once per view.
2. For each round, the photos are split at random into two halves: one half is *enrolled* (view
   A), and every photo is queried (view B).  A query of an enrolled photo is *genuine*; a query of
   a photo that is not enrolled is an *impostor*.  Each query yields ``s1`` (top item similarity),
   ``margin = s1 - s2`` and whether the top item is right.
3. Thresholds: grid search over ``(sim_threshold, margin_threshold)``; among pairs that keep at
   least ``--target-accept`` (default 0.98) of genuine queries correct *and* accepted, take those
   maximising impostor rejection + genuine acceptance; ties go to the middle of the optimal similarity
   interval (at the smallest optimal margin threshold), then to half the largest margin threshold
   that still costs nothing there (a guard against near-duplicate items).
4. Confidence: logistic regression (IRLS, small L2) of "the top item is right" on
   ``(s1, margin)``, with rank-2 items as extra negatives on ``(s2, s2 - s1)``.
5. Held-out check: the same fit on one half of the photos, evaluated on the other half (both
   ways); reported next to the in-sample figures so over-fitting is visible.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .augment import augmented_view
from .matching import Calibration

Embed = Callable[[list], np.ndarray]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


def identifier_embedder(identifier) -> tuple[Embed, str | None]:
    """An ``embed(list of sources) -> (n, d)`` function over an Identifier, and its model id."""
    model: list[str] = []

    def embed(sources: list) -> np.ndarray:
        rs = identifier.identify_batch(sources)
        model.append(rs[0].model_id)
        return np.stack([np.asarray(r.embedding, dtype=np.float32) for r in rs])

    embed.model_ids = model  # type: ignore[attr-defined]
    return embed, None


def embed_views(photos: Sequence, embed: Embed, seeds: Sequence[int], *, batch: int = 32,
                progress: bool = False) -> dict[int, np.ndarray]:
    """``{seed: (n_photos, d) unit embeddings}`` of one augmented view per photo per seed."""
    out: dict[int, np.ndarray] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(photos) * len(seeds), desc="embedding views", unit="img", file=sys.stderr)
    for seed in seeds:
        rows = []
        for s in range(0, len(photos), batch):
            blobs = [augmented_view(p, [seed, s + j]) for j, p in enumerate(photos[s:s + batch])]
            rows.append(np.asarray(embed(blobs), dtype=np.float32))
            if bar is not None:
                bar.update(len(blobs))
        e = np.concatenate(rows)
        out[seed] = e / np.linalg.norm(e, axis=1, keepdims=True)
    if bar is not None:
        bar.close()
    return out


def open_set_scores(enrolled: np.ndarray, queries: np.ndarray, enrolled_idx: np.ndarray,
                    query_idx: np.ndarray) -> dict[str, np.ndarray]:
    """Per query: s1, s2, margin, is_genuine, top1_correct (one reference per item)."""
    sims = queries @ enrolled.T
    order = np.argsort(-sims, axis=1)
    s1 = sims[np.arange(len(sims)), order[:, 0]]
    s2 = sims[np.arange(len(sims)), order[:, 1]] if sims.shape[1] > 1 else np.zeros(len(sims))
    genuine = np.isin(query_idx, enrolled_idx)
    correct = enrolled_idx[order[:, 0]] == query_idx
    return {"s1": s1, "s2": s2, "margin": s1 - s2, "genuine": genuine, "correct": correct & genuine}


def collect(views: dict[int, np.ndarray], photo_idx: np.ndarray, *, rounds: int, seed: int) -> dict[str, np.ndarray]:
    """Scores of ``rounds`` random half splits of ``photo_idx`` (view pairs cycle through seeds)."""
    rng = np.random.default_rng(seed)
    keys = sorted(views)
    parts = []
    for r in range(rounds):
        a, b = keys[r % len(keys)], keys[(r + 1) % len(keys)]
        perm = rng.permutation(photo_idx)
        enrolled = np.sort(perm[: len(perm) // 2])
        parts.append(open_set_scores(views[a][enrolled], views[b][photo_idx], enrolled, photo_idx))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def fit_thresholds(sc: dict[str, np.ndarray], target_accept: float) -> tuple[float, float]:
    """Grid search (step 0.005).  Feasible: genuine correct-and-accepted rate >= target.  Best:
    highest impostor rejection + genuine acceptance.  Ties: the middle of the optimal similarity
    interval, then half of the largest margin threshold that costs nothing there."""
    g, imp = sc["genuine"], ~sc["genuine"]
    s1, m, ok = sc["s1"], sc["margin"], sc["correct"]
    ts = np.round(np.arange(0.0, 1.0001, 0.005), 3)
    tm = np.round(np.arange(0.0, 0.4001, 0.005), 3)
    best, cands = -1.0, []
    for t_m in tm:
        acc_m = m >= t_m
        for t_s in ts:
            acc = acc_m & (s1 >= t_s)
            gacc = (acc & ok)[g].mean() if g.any() else 0.0
            if gacc < target_accept:
                continue
            score = gacc + ((~acc)[imp].mean() if imp.any() else 0.0)
            if score > best + 1e-12:
                best, cands = score, [(t_s, t_m)]
            elif abs(score - best) <= 1e-12:
                cands.append((t_s, t_m))
    if not cands:  # target unreachable: accept everything
        return 0.0, 0.0
    c = np.array(cands)
    sel = c[c[:, 1] == c[:, 1].min()][:, 0]
    t_s = round(round((float(sel.min()) + float(sel.max())) / 2 / 0.005) * 0.005, 3)
    free = c[np.isclose(c[:, 0], t_s)][:, 1]  # margin thresholds that cost nothing at this t_s
    t_m = round(round(float(free.max()) / 2 / 0.005) * 0.005, 3) if free.size else float(c[:, 1].min())
    return t_s, t_m


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> np.ndarray:
    """IRLS for ``P(y=1) = sigmoid(x @ w[:-1] + w[-1])``."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -60, 60)))
        W = p * (1 - p) + 1e-9
        H = X.T @ (X * W[:, None]) + l2 * np.eye(X.shape[1])
        step = np.linalg.solve(H, X.T @ (y - p) - l2 * w)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit(sc: dict[str, np.ndarray], model_id: str, target_accept: float) -> Calibration:
    t_s, t_m = fit_thresholds(sc, target_accept)
    x = np.concatenate([np.stack([sc["s1"], sc["margin"]], 1), np.stack([sc["s2"], -sc["margin"]], 1)])
    y = np.concatenate([sc["correct"].astype(float), np.zeros(len(sc["s1"]))])
    a, b, c = fit_logistic(x, y)
    floor = float(np.median(sc["s1"][~sc["genuine"]])) if (~sc["genuine"]).any() else 0.0
    return Calibration(model_id=model_id, sim_threshold=t_s, margin_threshold=t_m,
                       coef=(round(float(a), 4), round(float(b), 4), round(float(c), 4)),
                       floor=round(floor, 4),
                       method=f"calibrate.py: grid thresholds at genuine accept >= {target_accept}, "
                              "logistic confidence")


def evaluate(sc: dict[str, np.ndarray], cal: Calibration) -> dict[str, float]:
    acc = (sc["s1"] >= cal.sim_threshold) & (sc["margin"] >= cal.margin_threshold)
    g = sc["genuine"]
    conf = cal.confidence(sc["s1"], sc["margin"])
    return {"genuine_correct_accepted": float((acc & sc["correct"])[g].mean()),
            "impostor_flagged_unknown": float((~acc)[~g].mean()),
            "brier_top1": float(np.mean((conf - sc["correct"]) ** 2)),
            "n_queries": int(len(g))}


def calibrate(photos: Sequence, embed: Embed, model_id: str, *, rounds: int = 6, seed: int = 0,
              target_accept: float = 0.98, progress: bool = False) -> tuple[Calibration, dict]:
    """Fit a :class:`Calibration` from a list of photos (see module docstring); returns it and a
    report with in-sample and held-out (2-fold by photo) figures."""
    photos = list(photos)
    if len(photos) < 8:
        raise ValueError("calibration needs at least 8 photos")
    views = embed_views(photos, embed, seeds=[seed * 10 + 101, seed * 10 + 102, seed * 10 + 103],
                        progress=progress)
    idx = np.arange(len(photos))
    sc = collect(views, idx, rounds=rounds, seed=seed)
    cal = fit(sc, model_id, target_accept)
    report = {"photos": len(photos), "rounds": rounds, "seed": seed, "target_accept": target_accept,
              "in_sample": evaluate(sc, cal), "date": date.today().isoformat()}
    halves = [idx[idx % 2 == 0], idx[idx % 2 == 1]]
    held = []
    for tr, te in (halves, halves[::-1]):
        c = fit(collect(views, tr, rounds=rounds, seed=seed), model_id, target_accept)
        held.append(evaluate(collect(views, te, rounds=rounds, seed=seed + 1), c))
    report["held_out_2fold"] = {k: float(np.mean([h[k] for h in held])) for k in held[0]}
    return cal, report


def calibration_module_path() -> Path:
    return Path(__file__).with_name("_calibration_data.py")


def write_calibration(cal: Calibration, report: dict, path: Path | None = None) -> Path:
    """Merge ``cal`` (keyed by its model id) into the generated ``_calibration_data.py``."""
    from . import _calibration_data

    path = path or calibration_module_path()
    table = dict(_calibration_data.CALIBRATIONS)
    table[cal.model_id] = {**cal.to_dict(), "report": report}
    text = ('"""Generated by ``python -m valuepix_core.catalog.calibrate`` — do not edit by hand.\n\n'
            "Per embedding model id: open-set thresholds and the confidence model (see matching.Calibration).\n"
            '"""\n' f"CALIBRATIONS: dict = {json.dumps(table, indent=4, sort_keys=True)}\n")
    text = text.replace(": true", ": True").replace(": false", ": False").replace(": null", ": None")
    path.write_text(text)
    return path


def _photos_in(folder: str) -> list[str]:
    p = Path(folder)
    return sorted(str(x) for x in p.iterdir() if x.suffix.lower() in IMAGE_SUFFIXES)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m valuepix_core.catalog.calibrate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", required=True, help="folder of photos, one item each")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--target-accept", type=float, default=0.98)
    ap.add_argument("--write", action="store_true", help="store the result in _calibration_data.py")
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args(argv)
    from ..identify import Identifier

    with Identifier() as ident:
        embed, _ = identifier_embedder(ident)
        model_id = ident.identify_batch([augmented_view(_photos_in(args.photos)[0], 0)])[0].model_id
        cal, report = calibrate(_photos_in(args.photos), embed, model_id, rounds=args.rounds,
                                seed=args.seed, target_accept=args.target_accept, progress=args.progress)
    print(json.dumps({"calibration": cal.to_dict(), "report": report}, indent=2))
    if args.write:
        print(f"wrote {write_calibration(cal, report)}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
