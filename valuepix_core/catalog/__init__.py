"""Catalog: reference items with value ranges, matched by embedding with an open-set verdict.

Modules (each owns one thing): ``store`` (SQLite schema, migrations, transactions), ``vectors``
(embedding validation and float16 / int8 encodings), ``index`` (exact numpy / faiss-float16 backend and the
faiss IVF ANN backend), ``matching`` (verdict and calibrated confidence), ``valuation``, ``io`` (JSONL
import / export), ``augment`` (photo augmentations for evaluation), ``calibrate`` (re-runnable
threshold calibration), ``catalog`` (the :class:`Catalog` that wires them together).
"""
from __future__ import annotations

from .catalog import Catalog
from .matching import Calibration, Match, MatchResult
from .valuation import Contribution, Valuation

__all__ = ["Catalog", "Calibration", "Contribution", "Match", "MatchResult", "Valuation"]
