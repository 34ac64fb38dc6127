"""Value estimate (low / likely / high + currency) from the matched catalog items.

Rule, chosen so a UI can explain it in one sentence:

1. No valuation when the verdict is *unknown* or the top item has no value range.
2. Contributors are the top item plus any other match in the **same currency** with a value range
   whose confidence is at least ``relative_floor`` (default 0.25) × the top item's confidence.
3. Weights are the contributors' calibrated confidences, normalised to sum to 1.
4. ``low`` / ``high`` are the weighted means of the contributors' lows / highs; ``likely`` is the
   weighted mean of their mid-points.  An item with only one bound uses it for both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Contribution:
    """One item's share of a valuation (for the UI's "why this price")."""

    item_id: str
    name: str
    weight: float  # share of the estimate, the weights sum to 1
    confidence: float
    similarity: float
    value_low: float
    value_high: float


@dataclass(frozen=True)
class Valuation:
    low: float
    likely: float
    high: float
    currency: str
    confidence: float  # calibrated confidence of the top match
    contributors: tuple[Contribution, ...]
    method: str = "confidence-weighted mean of matched items' value ranges"

    @property
    def explanation(self) -> str:
        parts = [f"{c.weight:.0%} {c.name} ({self.currency} {c.value_low:,.2f}–{c.value_high:,.2f})"
                 for c in self.contributors]
        return (f"{self.currency} {self.low:,.2f}–{self.high:,.2f}, likely {self.likely:,.2f}; "
                "weighted by match confidence: " + "; ".join(parts))


def _bounds(m) -> tuple[float, float] | None:
    lo, hi = m.value_low, m.value_high
    if lo is None and hi is None:
        return None
    lo = hi if lo is None else lo
    hi = lo if hi is None else hi
    return (float(min(lo, hi)), float(max(lo, hi)))


def estimate(matches: Sequence, unknown: bool, *, relative_floor: float = 0.25) -> Valuation | None:
    """Valuation from ranked :class:`~valuepix_core.catalog.matching.Match` objects (best first)."""
    if unknown or not matches:
        return None
    top = matches[0]
    if _bounds(top) is None:
        return None
    floor = relative_floor * top.confidence
    picked = []
    for m in matches:
        b = _bounds(m)
        if b is None or m.currency != top.currency:
            continue
        if m is not top and m.confidence < floor:
            continue
        picked.append((m, b))
    total = sum(max(m.confidence, 1e-12) for m, _ in picked)
    contribs = tuple(
        Contribution(item_id=m.item_id, name=m.name, weight=max(m.confidence, 1e-12) / total,
                     confidence=m.confidence, similarity=m.similarity, value_low=b[0], value_high=b[1])
        for m, b in picked)
    low = sum(c.weight * c.value_low for c in contribs)
    high = sum(c.weight * c.value_high for c in contribs)
    likely = sum(c.weight * (c.value_low + c.value_high) / 2 for c in contribs)
    return Valuation(low=low, likely=min(max(likely, low), high), high=high, currency=top.currency,
                     confidence=top.confidence, contributors=contribs)
