"""Identification: photo -> top-k labels, item category and an L2-normalised embedding.

One :class:`Identifier` owns one onnxruntime session over a hash-verified model described by a
``manifest.json`` (see ``models/efficientnet_lite0/``).  The session (immutable model) is shared;
every call keeps its state local, so one instance may serve many threads at once.

Pixels always come from :func:`valuepix_core.preprocess` with a :class:`PreprocessSpec` built from
the manifest's ``input`` section — this module never decodes images itself.
"""
from __future__ import annotations

import hashlib
import json
import math
import platform
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .preprocessing.decode import DEFAULT_MAX_PIXELS
from .categories import Category, aggregate, category_codes
from .errors import (
    InvalidArgumentError,
    ModelIntegrityError,
    ModelNotFoundError,
    ModelSpecError,
    ValuePixError,
)

__all__ = ["Identifier", "IdentifierOptions", "IdentifyResult", "Label", "DEFAULT_MODEL"]

DEFAULT_MODEL = "efficientnet_lite0"
VARIANTS = ("int8", "fp32", "ort")
_SPEC_FIELDS = ("width", "height", "resize", "shorter_side", "mean", "std", "layout", "dtype", "channels")


# --------------------------------------------------------------------------------------- options
@dataclass(frozen=True)
class IdentifierOptions:
    """How to build an :class:`Identifier`.

    model: a model name under the shipped models directory, a directory holding ``manifest.json``,
        or the path of a manifest file.
    variant: "int8" (default, QDQ INT8 .onnx), "fp32" (.onnx, for comparison) or "ort" (the INT8
        model in ORT format for this machine's platform: arm or amd64).
    providers: onnxruntime execution providers, in priority order.
    intra_op_threads / inter_op_threads: onnxruntime thread pools (1 = no spinning threads, which
        is the robust choice on a phone or a loaded server; >1 turns spinning off unless
        ``allow_spinning``).
    top_k: labels to return (1..number of classes); score_threshold: drop labels scoring below.
    allow_labels / deny_labels: restrict the labels considered; items are class indices, synset
        ids ("n02708093") or names (the label name or any WordNet lemma, case-insensitive).
        Scores stay the model's softmax probabilities (no renormalisation); the category score
        sums only the classes considered.
    max_batch: largest batch handed to one onnxruntime run by ``identify_batch``.
    max_pixels: decompression-bomb guard: larger images are refused before decoding.
    cpu_mem_arena: onnxruntime's CPU arena (off: lower peak RSS, the default).
    """

    model: str | Path = DEFAULT_MODEL
    variant: str = "int8"
    providers: tuple[str, ...] = ("CPUExecutionProvider",)
    intra_op_threads: int = 1
    inter_op_threads: int = 1
    allow_spinning: bool = False
    top_k: int = 5
    score_threshold: float = 0.0
    allow_labels: tuple[int | str, ...] | None = None
    deny_labels: tuple[int | str, ...] = ()
    max_batch: int = 32
    cpu_mem_arena: bool = False
    max_pixels: int = DEFAULT_MAX_PIXELS

    def __post_init__(self):
        if not isinstance(self.model, (str, Path)) or not str(self.model):
            raise InvalidArgumentError("model must be a model name or a path")
        if self.variant not in VARIANTS:
            raise InvalidArgumentError(f"variant must be one of {VARIANTS}, got {self.variant!r}")
        providers = (self.providers,) if isinstance(self.providers, str) else tuple(self.providers)
        if not providers or not all(isinstance(p, str) and p for p in providers):
            raise InvalidArgumentError("providers must be a non-empty sequence of provider names")
        object.__setattr__(self, "providers", providers)
        for name in ("intra_op_threads", "inter_op_threads", "top_k", "max_batch", "max_pixels"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidArgumentError(f"{name} must be an int >= 1, got {v!r}")
        t = self.score_threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.0 <= float(t) <= 1.0:
            raise InvalidArgumentError(f"score_threshold must be a number in [0, 1], got {t!r}")
        object.__setattr__(self, "score_threshold", float(t))
        for name in ("allow_labels", "deny_labels"):
            v = getattr(self, name)
            if v is None and name == "allow_labels":
                continue
            if isinstance(v, (str, int)):
                v = (v,)
            try:
                v = tuple(v)
            except TypeError:
                raise InvalidArgumentError(f"{name} must be a sequence of indices or names") from None
            if not all(isinstance(x, (str, int, np.integer)) and not isinstance(x, bool) for x in v):
                raise InvalidArgumentError(f"{name} items must be class indices or label names")
            object.__setattr__(self, name, tuple(int(x) if isinstance(x, np.integer) else x for x in v))


# --------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Label:
    """One class: its index in the model's label list, its name and its softmax probability."""

    index: int
    name: str
    score: float


@dataclass(frozen=True, eq=False)
class IdentifyResult:
    """What :meth:`Identifier.identify` returns.

    labels: best first (at most ``top_k``, none below ``score_threshold``).
    category: the best item category (:class:`valuepix_core.categories.Category`) with its
        aggregated softmax score; categories: all of them, best first.
    embedding: float32, L2-normalised (read-only), for catalog search.
    timings: milliseconds per stage ("preprocess", "inference", "postprocess", "total"); in a batch
        "inference" is the batch's run time divided by its size.
    model_id: "<name>-<version>-<variant>-<sha256 prefix>" of the model that produced it.

    Equality compares everything but the timings.
    """

    labels: tuple[Label, ...]
    category: Category | None
    embedding: np.ndarray
    timings: Mapping[str, float]
    model_id: str
    categories: tuple[Category, ...] = ()

    @property
    def top(self) -> Label | None:
        return self.labels[0] if self.labels else None

    def __eq__(self, other):
        if not isinstance(other, IdentifyResult):
            return NotImplemented
        return (self.labels == other.labels and self.category == other.category
                and self.categories == other.categories and self.model_id == other.model_id
                and self.embedding.shape == other.embedding.shape
                and bool(np.array_equal(self.embedding, other.embedding)))

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict:
        """JSON-ready dict (embedding omitted)."""
        return {
            "labels": [{"index": lb.index, "name": lb.name, "score": lb.score} for lb in self.labels],
            "category": None if self.category is None else {
                "key": self.category.key, "name": self.category.name, "score": self.category.score},
            "timings_ms": dict(self.timings),
            "model_id": self.model_id,
        }


# ---------------------------------------------------------------------------------------- models
@dataclass(frozen=True)
class _Model:
    manifest_path: Path
    manifest: Mapping[str, Any]
    name: str
    version: str
    variant: str
    file: Path
    sha256: str
    fmt: str
    spec: Any  # PreprocessSpec
    input_name: str
    labels: tuple[str, ...]
    synsets: tuple[str, ...]
    lemmas: tuple[tuple[str, ...], ...]
    model_bytes: bytes = field(repr=False)


def _resolve_manifest(model: str | Path) -> Path:
    """A bare name ("efficientnet_lite0") is a shipped model; anything else is a path to a model
    directory or to its manifest file."""
    from ._resources import models_root

    if isinstance(model, str) and not any(sep in model for sep in ("/", "\\")) and not model.endswith(".json"):
        cand = models_root() / model / "manifest.json"
    else:
        p = Path(model)
        cand = p / "manifest.json" if p.is_dir() else p
    if not cand.is_file():
        raise ModelNotFoundError(f"model manifest not found: {cand}")
    return cand


def _read_verified(path: Path, sha256: str, size: int | None) -> bytes:
    """Read a file once and check its hash on exactly those bytes (which then go to onnxruntime)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ModelNotFoundError(f"model file not found: {path}") from None
    except OSError as exc:
        raise ModelNotFoundError(f"cannot read model file {path}: {exc}") from exc
    if size is not None and len(data) != size:
        raise ModelIntegrityError(f"{path.name}: {len(data)} bytes, manifest says {size}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256.lower():
        raise ModelIntegrityError(f"{path.name}: sha256 {digest} does not match the manifest's {sha256}")
    return data


def _ort_platform() -> str:
    m = platform.machine().lower()
    return "arm" if m.startswith(("arm", "aarch")) else "amd64"


def _build_spec(inp: Mapping[str, Any]):
    from .preprocessing import PreprocessSpec

    if not isinstance(inp, Mapping):
        raise ModelSpecError("manifest 'input' must be an object")
    unknown = set(inp) - set(_SPEC_FIELDS) - {"name", "quantization"}
    if unknown:
        raise ModelSpecError(f"manifest input has fields the library cannot honour: {sorted(unknown)}")
    if inp.get("quantization") not in (None, {}, "none"):
        raise ModelSpecError("quantised model inputs are not supported (expects float input)")
    kw = {k: (tuple(inp[k]) if isinstance(inp[k], list) else inp[k]) for k in _SPEC_FIELDS if k in inp}
    try:
        spec = PreprocessSpec(**kw)
    except (ValuePixError, TypeError, ValueError) as exc:
        raise ModelSpecError(f"manifest input spec cannot be fed: {exc}") from exc
    if spec.dtype != "float32":
        raise ModelSpecError(f"model input dtype {spec.dtype!r} is not supported (float32 only)")
    return spec


def _load_model(options: IdentifierOptions) -> _Model:
    mpath = _resolve_manifest(options.model)
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        name, version = str(manifest["name"]), str(manifest["version"])
        files = manifest["files"]
        vinfo = manifest["variants"][options.variant]
        fkey = vinfo["file"]
        if isinstance(fkey, Mapping):  # per-platform files (.ort)
            fkey = fkey[_ort_platform()]
        finfo = files[fkey]
        linfo = files[manifest["labels"]["file"]]
        inp = manifest["input"]
    except FileNotFoundError:
        raise ModelNotFoundError(f"model manifest not found: {mpath}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelSpecError(f"{mpath}: malformed manifest or unknown variant {options.variant!r} ({exc!r})") from exc
    spec = _build_spec(inp)
    base = mpath.parent
    for info in (finfo, linfo):
        if Path(info["path"]).is_absolute() or ".." in Path(info["path"]).parts:
            raise ModelSpecError(f"manifest file path must be relative inside the model dir: {info['path']}")
    labels_bytes = _read_verified(base / linfo["path"], linfo["sha256"], linfo.get("bytes"))
    names, synsets, lemmas = [], [], []
    try:
        lines = labels_bytes.decode("utf-8").splitlines()
        for i, line in enumerate(lines[1:]):
            cols = line.split("\t")
            if int(cols[0]) != i:
                raise ValueError(f"row {i} has index {cols[0]}")
            names.append(cols[2])
            synsets.append(cols[1])
            lemmas.append(tuple(s.strip().lower() for s in cols[3].split(",")) if len(cols) > 3 else ())
    except (ValueError, IndexError, UnicodeDecodeError) as exc:
        raise ModelSpecError(f"malformed labels file {linfo['path']}: {exc}") from exc
    data = _read_verified(base / finfo["path"], finfo["sha256"], finfo.get("bytes"))
    return _Model(mpath, MappingProxyType(manifest), name, version, options.variant, base / finfo["path"],
                  finfo["sha256"].lower(), str(vinfo.get("format", "onnx")), spec,
                  str(inp.get("name", "input")), tuple(names), tuple(synsets), tuple(lemmas), data)


# ------------------------------------------------------------------------------------ identifier
class Identifier:
    """Identify photos with a bundled (or given) model; thread-safe; a context manager.

    >>> with Identifier(IdentifierOptions(top_k=3)) as ident:   # doctest: +SKIP
    ...     r = ident.identify("watch.jpg")
    ...     r.labels[0].name, r.category.name, r.embedding.shape
    """

    def __init__(self, options: IdentifierOptions | None = None):
        if options is None:
            options = IdentifierOptions()
        if not isinstance(options, IdentifierOptions):
            raise InvalidArgumentError(f"options must be IdentifierOptions, got {type(options).__name__}")
        import onnxruntime as ort

        self._options = options
        self._lock = threading.Lock()
        t0 = time.perf_counter()
        model = _load_model(options)
        avail = set(ort.get_available_providers())
        missing = [p for p in options.providers if p not in avail]
        if missing:
            raise InvalidArgumentError(f"onnxruntime providers not available: {missing}; have {sorted(avail)}")

        so = ort.SessionOptions()
        so.intra_op_num_threads = options.intra_op_threads
        so.inter_op_num_threads = options.inter_op_threads
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.enable_cpu_mem_arena = options.cpu_mem_arena
        so.log_severity_level = 3
        if not options.allow_spinning:
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
            so.add_session_config_entry("session.inter_op.allow_spinning", "0")
        if model.fmt == "ort":
            so.add_session_config_entry("session.load_model_format", "ORT")
            # parse the verified bytes in place (no second copy of the flatbuffer).  Not
            # "use_ort_model_bytes_for_initializers": with onnxruntime 1.32 that gives wrong
            # results / crashes for batches > 1 (seen in this repo's tests).
            so.add_session_config_entry("session.use_ort_model_bytes_directly", "1")
        try:
            session = ort.InferenceSession(model.model_bytes, so, providers=list(options.providers))
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelSpecError(f"onnxruntime cannot load {model.file.name}: {exc}") from exc
        self._check_io(session, model)
        self._session = session
        # keep the bytes alive only when ORT reads them in place
        self._model_bytes = model.model_bytes if model.fmt == "ort" else None
        self._model = _replace_bytes(model)
        self._spec = model.spec
        n = len(model.labels)
        self._mask = self._label_mask(options, model)
        if options.top_k > n:
            raise InvalidArgumentError(f"top_k {options.top_k} exceeds the model's {n} classes")
        try:
            self._codes = category_codes(model.synsets)
        except InvalidArgumentError:
            self._codes = None  # a model whose classes the category table does not know
        self.model_id = f"{model.name}-{model.version}-{model.variant}-{model.sha256[:12]}"
        self.load_ms = (time.perf_counter() - t0) * 1e3

    # -- construction helpers
    @staticmethod
    def _check_io(session, model: _Model) -> None:
        inputs = session.get_inputs()
        if len(inputs) != 1 or inputs[0].name != model.input_name:
            raise ModelSpecError(f"model must have one input named {model.input_name!r}, has "
                                 f"{[i.name for i in inputs]}")
        if inputs[0].type != "tensor(float)":
            raise ModelSpecError(f"model input is {inputs[0].type}, spec says float32")
        want = model.spec.shape[1:]
        got = tuple(inputs[0].shape[1:])
        if len(got) != 3 or any(isinstance(g, int) and g != w for g, w in zip(got, want)):
            raise ModelSpecError(f"model input shape {inputs[0].shape} does not match spec {model.spec.shape}")
        outs = {o.name: o for o in session.get_outputs()}
        if "logits" not in outs or "embedding" not in outs:
            raise ModelSpecError(f"model outputs must include 'logits' and 'embedding', has {sorted(outs)}")
        ncls = outs["logits"].shape[-1]
        if isinstance(ncls, int) and ncls != len(model.labels):
            raise ModelSpecError(f"model has {ncls} classes, labels file {len(model.labels)}")

    @staticmethod
    def _label_mask(options: IdentifierOptions, model: _Model) -> np.ndarray | None:
        if options.allow_labels is None and not options.deny_labels:
            return None
        n = len(model.labels)
        lookup: dict[str, list[int]] = {}
        for i, (nm, syn, lem) in enumerate(zip(model.labels, model.synsets, model.lemmas)):
            for key in {nm.lower(), syn.lower(), *lem}:
                lookup.setdefault(key, []).append(i)

        def indices(items) -> list[int]:
            out = []
            for it in items:
                if isinstance(it, int):
                    if not 0 <= it < n:
                        raise InvalidArgumentError(f"label index {it} out of range 0..{n - 1}")
                    out.append(it)
                else:
                    hit = lookup.get(it.strip().lower())
                    if not hit:
                        raise InvalidArgumentError(f"unknown label {it!r}")
                    out.extend(hit)
            return out

        mask = np.zeros(n, bool) if options.allow_labels is not None else np.ones(n, bool)
        if options.allow_labels is not None:
            mask[indices(options.allow_labels)] = True
        mask[indices(options.deny_labels)] = False
        if not mask.any():
            raise InvalidArgumentError("allow/deny lists exclude every label")
        mask.setflags(write=False)
        return mask

    # -- public properties
    @property
    def options(self) -> IdentifierOptions:
        return self._options

    @property
    def input_spec(self):
        """The :class:`PreprocessSpec` built from the manifest (what ``preprocess`` is given)."""
        return self._spec

    @property
    def labels(self) -> tuple[str, ...]:
        return self._model.labels

    @property
    def manifest(self) -> Mapping[str, Any]:
        return self._model.manifest

    @property
    def closed(self) -> bool:
        return self._session is None

    # -- lifecycle
    def close(self) -> None:
        """Release the onnxruntime session (idempotent). Calls in flight finish normally."""
        with self._lock:
            self._session = None
            self._model_bytes = None

    def __enter__(self) -> "Identifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Identifier {self.model_id} {state}>"

    # -- work
    def _live_session(self):
        s = self._session
        if s is None:
            raise ValuePixError("Identifier is closed")
        return s

    def identify(self, source) -> IdentifyResult:
        """Identify one image (anything :func:`valuepix_core.preprocess` accepts)."""
        from .preprocessing import preprocess

        session = self._live_session()
        t0 = time.perf_counter()
        x = preprocess(source, self._spec, max_pixels=self.options.max_pixels)
        t1 = time.perf_counter()
        logits, emb = session.run(["logits", "embedding"], {self._model.input_name: x})
        t2 = time.perf_counter()
        return self._result(logits[0], emb[0], (t1 - t0) * 1e3, (t2 - t1) * 1e3, t0)

    def identify_batch(self, sources: Iterable) -> list[IdentifyResult]:
        """Identify many images: preprocess each into one batch tensor, run in chunks of max_batch."""
        from .preprocessing import preprocess

        if isinstance(sources, (str, bytes, Path, np.ndarray)):
            raise InvalidArgumentError("identify_batch takes a sequence of sources; use identify() for one")
        sources = list(sources)
        session = self._live_session()
        results: list[IdentifyResult] = []
        mb = self._options.max_batch
        shape = self._spec.shape
        for start in range(0, len(sources), mb):
            chunk = sources[start:start + mb]
            batch = np.empty((len(chunk), *shape[1:]), dtype=np.float32)
            pre_ms, starts = [], []
            for i, src in enumerate(chunk):
                t0 = time.perf_counter()
                preprocess(src, self._spec, out=batch[i:i + 1], max_pixels=self.options.max_pixels)
                starts.append(t0)
                pre_ms.append((time.perf_counter() - t0) * 1e3)
            t1 = time.perf_counter()
            logits, emb = session.run(["logits", "embedding"], {self._model.input_name: batch})
            inf_ms = (time.perf_counter() - t1) * 1e3 / len(chunk)
            for i in range(len(chunk)):
                results.append(self._result(logits[i], emb[i], pre_ms[i], inf_ms, None))
        return results

    def _result(self, logits: np.ndarray, emb: np.ndarray, pre_ms: float, inf_ms: float,
                t_start: float | None) -> IdentifyResult:
        t2 = time.perf_counter()
        opts = self._options
        z = logits.astype(np.float64)
        z = np.exp(z - z.max())
        probs = z / z.sum()
        if self._mask is not None:
            probs = np.where(self._mask, probs, 0.0)
        order = np.argsort(-probs, kind="stable")[: opts.top_k]
        labels = tuple(Label(int(i), self._model.labels[i], float(probs[i])) for i in order
                       if probs[i] >= opts.score_threshold and (self._mask is None or self._mask[i]))
        cats: tuple[Category, ...] = ()
        if self._codes is not None:
            cats = tuple(aggregate(probs, self._codes))
        e = emb.astype(np.float32)
        norm = float(np.linalg.norm(e))
        if norm > 0 and math.isfinite(norm):
            e = (e / norm).astype(np.float32)
        e.setflags(write=False)
        t3 = time.perf_counter()
        post_ms = (t3 - t2) * 1e3
        total = (t3 - t_start) * 1e3 if t_start is not None else pre_ms + inf_ms + post_ms
        timings = MappingProxyType({"preprocess": pre_ms, "inference": inf_ms, "postprocess": post_ms,
                                    "total": total})
        return IdentifyResult(labels, cats[0] if cats else None, e, timings, self.model_id, cats)


def _replace_bytes(model: _Model) -> _Model:
    """Drop the model bytes from the record once onnxruntime has them."""
    from dataclasses import replace

    return replace(model, model_bytes=b"")
