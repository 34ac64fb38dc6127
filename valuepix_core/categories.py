"""ValuePix item categories: the 1000 ImageNet classes grouped into things people value.

The mapping is data — a reviewed table in :mod:`valuepix_core._category_table` keyed by WordNet
synset — not keyword rules.  A result's category score is the sum of the softmax probabilities of
all classes in that category (so it is a probability too, and the scores of all categories add
up to the probability mass considered).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from .errors import InvalidArgumentError

__all__ = [
    "CATEGORIES",
    "Category",
    "category_of",
    "category_name",
    "category_codes",
    "aggregate",
]

#: (key, display name) in display order; ``other`` is everything that is not an item category.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("watches_clocks", "Watches & clocks"),
    ("cameras_optics", "Cameras & optics"),
    ("musical_instruments", "Musical instruments"),
    ("electronics", "Electronics & appliances"),
    ("furniture", "Furniture"),
    ("home_decor", "Home & decor"),
    ("toys_games", "Toys & games"),
    ("jewellery_accessories", "Jewellery & accessories"),
    ("clothing", "Clothing & footwear"),
    ("kitchenware", "Kitchenware & tableware"),
    ("tools", "Tools & hardware"),
    ("sports_outdoor", "Sports & outdoor gear"),
    ("vehicles", "Vehicles & parts"),
    ("books_media", "Books, media & stationery"),
    ("other", "Other"),
)
_KEYS = tuple(k for k, _ in CATEGORIES)
_NAMES = dict(CATEGORIES)


@dataclass(frozen=True)
class Category:
    """An item category with its aggregated softmax score."""

    key: str
    name: str
    score: float


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, str], ...]:
    """(synset, category key) per class index, validated once."""
    from ._category_table import TABLE

    rows = []
    for n, line in enumerate(TABLE.splitlines()):
        index, synset, key, _name = line.split("\t")
        if int(index) != n or key not in _NAMES:
            raise RuntimeError(f"corrupt category table at line {n}: {line!r}")  # pragma: no cover
        rows.append((synset, key))
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_synset() -> dict[str, str]:
    return dict(_table())


def category_name(key: str) -> str:
    """Display name of a category key."""
    try:
        return _NAMES[key]
    except KeyError:
        raise InvalidArgumentError(f"unknown category {key!r}; known: {', '.join(_KEYS)}") from None


def category_of(label: int | str) -> str:
    """Category key of an ImageNet class index (0..999) or WordNet synset id ('n02708093')."""
    if isinstance(label, str):
        key = _by_synset().get(label)
        if key is None:
            raise InvalidArgumentError(f"unknown synset {label!r}")
        return key
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (int, np.integer)):
        raise InvalidArgumentError(f"label must be an int index or a synset str, not {type(label).__name__}")
    table = _table()
    if not 0 <= int(label) < len(table):
        raise InvalidArgumentError(f"class index {label} out of range 0..{len(table) - 1}")
    return table[int(label)][1]


@lru_cache(maxsize=8)
def _codes_for(synsets: tuple[str, ...]) -> np.ndarray:
    by = _by_synset()
    missing = [s for s in synsets if s not in by]
    if missing:
        raise InvalidArgumentError(f"{len(missing)} model classes have no category (e.g. {missing[0]!r})")
    codes = np.array([_KEYS.index(by[s]) for s in synsets], dtype=np.intp)
    codes.setflags(write=False)
    return codes


def category_codes(synsets: Sequence[str] | None = None) -> np.ndarray:
    """Read-only int array: category position in :data:`CATEGORIES` for each class.

    ``synsets`` gives the model's class order (defaults to the table's ImageNet-1k order)."""
    if synsets is None:
        synsets = tuple(s for s, _ in _table())
    return _codes_for(tuple(synsets))


def aggregate(probs: np.ndarray, codes: np.ndarray | None = None) -> list[Category]:
    """Sum class probabilities (shape (C,)) per category; best first (ties: table order).

    Classes to ignore (e.g. denied labels) can be zeroed in ``probs`` by the caller."""
    p = np.asarray(probs, dtype=np.float64)
    if codes is None:
        codes = category_codes()
    if p.ndim != 1 or p.shape[0] != codes.shape[0]:
        raise InvalidArgumentError(f"probs must have shape ({codes.shape[0]},), got {p.shape}")
    sums = np.bincount(codes, weights=p, minlength=len(CATEGORIES))
    order = sorted(range(len(CATEGORIES)), key=lambda i: (-sums[i], i))
    return [Category(_KEYS[i], CATEGORIES[i][1], float(sums[i])) for i in order]
