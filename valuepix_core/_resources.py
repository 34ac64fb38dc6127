"""Where shipped resources live, installed (inside the package) or in a source checkout."""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def models_root() -> Path:
    """Directory holding ``<model name>/manifest.json``.

    A wheel / ``pip install .`` copies the repository's ``models/<name>/`` shipped files into
    ``valuepix_core/_models/`` (see setup.py).  In a source checkout the repository's ``models/``
    is used directly.
    """
    installed = _PKG / "_models"
    if installed.is_dir():
        return installed
    return _PKG.parent / "models"
