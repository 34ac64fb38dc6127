"""Open-set verdict and calibrated confidence: from raw cosine similarities to ranked items.

Per item the similarity is the **maximum** over its reference embeddings.  With ``s1`` / ``s2`` the
best and second-best item similarities and ``margin = s1 - s2``:

* ``unknown``  ⇔  ``s1 < sim_threshold``  or  ``margin < margin_threshold``
* ``confidence(item) = sigmoid(a·s + b·(s - s_best_other) + c)`` — for the top item this is the
  calibrated probability that it is the right item (fit by logistic regression on labelled
  queries); for lower-ranked items ``s - s_best_other < 0`` pulls it down.

The thresholds and ``(a, b, c)`` come from :mod:`valuepix_core.catalog.calibrate`, which writes
them per model id into :mod:`valuepix_core.catalog._calibration_data`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .valuation import Valuation


@dataclass(frozen=True)
class Calibration:
    """Thresholds and confidence model for one embedding model."""

    model_id: str
    sim_threshold: float
    margin_threshold: float
    coef: tuple[float, float, float]  # a (similarity), b (margin), c (bias)
    floor: float = 0.0  # stands in for s2 when the catalog has a single item
    method: str = ""

    def confidence(self, sim: np.ndarray | float, margin: np.ndarray | float) -> np.ndarray:
        a, b, c = self.coef
        z = a * np.asarray(sim, dtype=np.float64) + b * np.asarray(margin, dtype=np.float64) + c
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))

    def to_dict(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "sim_threshold": self.sim_threshold,
                "margin_threshold": self.margin_threshold, "coef": list(self.coef),
                "floor": self.floor, "method": self.method}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Calibration":
        return cls(model_id=str(d["model_id"]), sim_threshold=float(d["sim_threshold"]),
                   margin_threshold=float(d["margin_threshold"]),
                   coef=tuple(float(x) for x in d["coef"]),  # type: ignore[arg-type]
                   floor=float(d.get("floor", 0.0)), method=str(d.get("method", "")))


#: Used for a model the calibration table does not know (synthetic tests, a new model before
#: anyone ran calibrate): conservative cosine thresholds.
DEFAULT_CALIBRATION = Calibration(model_id="*", sim_threshold=0.75, margin_threshold=0.05,
                                  coef=(12.0, 25.0, -9.0), floor=0.0,
                                  method="uncalibrated default")


def calibration_for(model_id: str | None) -> Calibration:
    from ._calibration_data import CALIBRATIONS

    if model_id and model_id in CALIBRATIONS:
        return Calibration.from_dict(CALIBRATIONS[model_id])
    # same model name / version / variant, other build hash (e.g. a re-export): reuse it
    family = model_id.rsplit("-", 1)[0] if model_id and "-" in model_id else None
    for key, d in sorted(CALIBRATIONS.items()):
        if family and key.rsplit("-", 1)[0] == family:
            return Calibration.from_dict(d)
    return DEFAULT_CALIBRATION


@dataclass(frozen=True)
class Match:
    """One catalog item in a match result (best first in :attr:`MatchResult.matches`)."""

    item_id: str
    name: str
    similarity: float  # cosine, max over the item's reference embeddings
    confidence: float  # calibrated probability that this is the photographed item
    category: str | None = None
    value_low: float | None = None
    value_high: float | None = None
    currency: str = "USD"
    attributes: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[Match, ...]
    unknown: bool
    valuation: Valuation | None
    reason: str  # "match", "low_similarity", "ambiguous", "empty_catalog"
    top_similarity: float
    margin: float
    sim_threshold: float
    margin_threshold: float
    model_id: str | None = None

    @property
    def best(self) -> Match | None:
        """The accepted item, or None when the verdict is unknown."""
        return None if self.unknown or not self.matches else self.matches[0]


def aggregate_items(sims: np.ndarray, emb_ids: np.ndarray, emb_to_item: Mapping[int, str]
                    ) -> list[tuple[str, float]]:
    """Max-similarity per item from one query's (similarity, embedding id) hits, best first."""
    best: dict[str, float] = {}
    for s, e in zip(sims.tolist(), emb_ids.tolist()):
        if e < 0 or not math.isfinite(s):
            continue
        item = emb_to_item.get(int(e))
        if item is None:
            continue
        if s > best.get(item, -math.inf):
            best[item] = s
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def verdict(ranked: list[tuple[str, float]], calib: Calibration) -> tuple[bool, str, float, float, np.ndarray]:
    """``(unknown, reason, s1, margin, confidences)`` for items ranked best first."""
    if not ranked:
        return True, "empty_catalog", -1.0, 0.0, np.zeros(0)
    sims = np.array([s for _, s in ranked], dtype=np.float64)
    s1 = float(sims[0])
    s2 = float(sims[1]) if len(sims) > 1 else calib.floor
    margin = s1 - s2
    best_other = np.full_like(sims, s1)
    best_other[0] = s2
    conf = calib.confidence(sims, sims - best_other)
    if s1 < calib.sim_threshold:
        return True, "low_similarity", s1, margin, conf
    if margin < calib.margin_threshold:
        return True, "ambiguous", s1, margin, conf
    return False, "match", s1, margin, conf
