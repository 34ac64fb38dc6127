"""Loading a Vosk model once per process and sharing it (house rule 3: immutable model shared,
mutable recognizer state per stream).

The process-wide cache is keyed by (resolved path, deterministic, endpoint tuning).  Deterministic
mode and endpoint tuning need a different feature/decoder *config* than the model ships; Vosk reads
config only from ``<model>/conf/``, so we build a private overlay directory — symlinks to the
model's ``am/``, ``graph/``, ``ivector/``… plus edited copies of the small ``conf/*.conf`` files
(``--dither=0.0``; ``--endpoint.ruleN.min-trailing-silence``) — load from it, and delete it as soon
as ``vosk_model_new`` returns (everything is read at load).  It never holds audio, and the installed
model is never modified.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgumentError, ModelIntegrityError
from . import _vosk
from .model_locator import locate

DEFAULT_MODEL_RATE = 16000.0


@dataclass(frozen=True)
class ModelKey:
    path: Path
    deterministic: bool = False
    endpoint_silence_s: float | None = None

    @property
    def needs_overlay(self) -> bool:
        return self.deterministic or self.endpoint_silence_s is not None


def _conf_dir(path: Path) -> Path:
    """Layout v2 keeps config in ``conf/``; v1 at the top level."""
    return path / "conf" if (path / "am" / "final.mdl").is_file() else path


def model_sample_rate(path: Path) -> float:
    conf = _conf_dir(path) / "mfcc.conf"
    rate = DEFAULT_MODEL_RATE  # Kaldi's default --sample-frequency
    try:
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            m = re.match(r"\s*--sample-frequency\s*=\s*([0-9.]+)", line)
            if m:
                rate = float(m.group(1))
    except OSError:
        pass
    return rate


def _overrides(key: ModelKey) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {"mfcc.conf": [], "model.conf": []}
    if key.deterministic:
        extra["mfcc.conf"].append("--dither=0.0")
    if key.endpoint_silence_s is not None:
        s = key.endpoint_silence_s
        extra["model.conf"] += [f"--endpoint.rule2.min-trailing-silence={0.5 * s:g}",
                                f"--endpoint.rule3.min-trailing-silence={s:g}",
                                f"--endpoint.rule4.min-trailing-silence={2 * s:g}"]
    return extra


def build_overlay(key: ModelKey) -> Path:
    """Create the private config overlay for ``key`` (caller deletes it after loading)."""
    src = key.path
    conf = _conf_dir(src)
    extra = _overrides(key)
    if extra["model.conf"] and not (conf / "model.conf").is_file():
        raise InvalidArgumentError(
            f"endpoint tuning needs a model with conf/model.conf (layout v2); {src} has none")
    root = Path(tempfile.mkdtemp(prefix="valuepix-vosk-conf-"))
    try:
        layout_v2 = conf != src
        for child in src.iterdir():
            if layout_v2 and child.name == "conf":
                continue
            if not layout_v2 and child.suffix == ".conf":
                continue
            os.symlink(child, root / child.name, target_is_directory=child.is_dir())
        dst_conf = root / "conf" if layout_v2 else root
        dst_conf.mkdir(exist_ok=True)
        for f in conf.iterdir():
            if f.is_file() and f.suffix == ".conf":
                text = f.read_text(encoding="utf-8", errors="replace")
                lines = extra.get(f.name, [])
                if lines:
                    text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
                (dst_conf / f.name).write_text(text, encoding="utf-8")
        return root
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


class LoadedModel:
    """One loaded ``VoskModel`` plus its recognizer pool.  Shared; thread-safe to use."""

    def __init__(self, key: ModelKey):
        self.key = key
        self.path = key.path
        self.sample_rate = model_sample_rate(key.path)
        graph = key.path / "graph"
        self.has_runtime_graph = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file() \
            and not (graph / "HCLG.fst").is_file()
        ffi, lib = _vosk.lib()
        self._ffi, self._lib = ffi, lib
        load_from = build_overlay(key) if key.needs_overlay else key.path
        try:
            handle = lib.vosk_model_new(str(load_from).encode("utf-8"))
        finally:
            if load_from != key.path:
                shutil.rmtree(load_from, ignore_errors=True)
        if handle == ffi.NULL:
            raise ModelIntegrityError(f"libvosk could not load the model at {key.path} (corrupt or incomplete?)")
        self.handle = handle
        from .pool import RecognizerPool

        self.pool = RecognizerPool(self)

    def has_word(self, word: str) -> bool:
        return self._lib.vosk_model_find_word(self.handle, word.encode("utf-8")) >= 0

    def close(self) -> None:
        """Drop idle recognizers and the model's reference (libvosk refcounts: recognizers still in
        use keep the model alive until they are freed)."""
        if self.handle is not None:
            self.pool.clear()
            self._lib.vosk_model_free(self.handle)
            self.handle = None


_cache: dict[ModelKey, LoadedModel] = {}
_cache_lock = threading.Lock()


def get_model(model_dir=None, *, deterministic: bool = False,
              endpoint_silence_s: float | None = None) -> LoadedModel:
    """The shared model for these settings, loading it on first use."""
    key = ModelKey(locate(model_dir), bool(deterministic), endpoint_silence_s)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            model = LoadedModel(key)
            _cache[key] = model
        return model


def evict_model(model_dir=None, *, deterministic: bool = False,
                endpoint_silence_s: float | None = None) -> bool:
    """Drop one cached model (e.g. a one-off endpoint setting) so its memory can be freed."""
    key = ModelKey(locate(model_dir), bool(deterministic), endpoint_silence_s)
    with _cache_lock:
        model = _cache.pop(key, None)
    if model is not None:
        model.close()
    return model is not None


def cached_models() -> list[ModelKey]:
    with _cache_lock:
        return list(_cache)


def clear_model_cache() -> None:
    """Release every cached model (idle recognizers too).  Dictations still open keep working."""
    with _cache_lock:
        models = list(_cache.values())
        _cache.clear()
    for m in models:
        m.close()
