"""Shared fixtures.  ``eval_dir`` is the real-photo set beside the checkout (../shared/eval); tests
that need it skip with a clear reason on a user's fresh clone, where it does not exist."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL_ROOT = Path(os.environ.get("VALUEPIX_EVAL_DIR", REPO_ROOT.parent / "shared" / "eval"))


def eval_photos() -> list[Path]:
    folder = EVAL_ROOT / "imagenet-sample"
    return sorted(folder.glob("*.JPEG")) if folder.is_dir() else []


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not eval_photos():
        pytest.skip(f"real-photo eval set not found at {EVAL_ROOT} (it sits beside the checkout in CI)")
    return EVAL_ROOT


@pytest.fixture(scope="session")
def eval_images(eval_dir) -> list[Path]:
    return eval_photos()
