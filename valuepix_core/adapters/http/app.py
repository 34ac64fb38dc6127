"""``create_app(config)``: the Starlette ASGI app.  Every route maps a request onto one library
call (``Identifier.identify`` / ``identify_batch``, ``Catalog.add_item`` / ``get_item`` /
``items`` / ``remove_item`` / ``match``, ``Dictation``) and its result onto JSON; errors become
problem details (``problems``)."""
from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import math
import time
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from ...errors import ValuePixError
from . import problems
from .batching import DirectRunner, MicroBatcher
from .config import ServiceConfig
from .dictate_ws import dictate
from .limits import check_pixels, read_body, read_multipart
from .metrics import Metrics
from .middleware import BearerAuthMiddleware, RequestContextMiddleware, request_id_of, route_label

log = logging.getLogger("valuepix.service")

MAX_K = 50
MAX_LIST = 1000
MAX_IMAGES = 16  # reference photos per item-creation request (openapi.py says the same)
_ITEM_FIELDS = ("item_id", "name", "category", "value_low", "value_high", "currency", "attributes")


class _Service:
    """What the routes share: the library objects and the adapter's own plumbing."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.metrics = Metrics()
        self.identifier = None
        self.catalog = None
        self.runner = None
        self.ready = False
        self.dictation_ready = False
        self.dictation_error: str | None = None
        self.dictation_base: dict = {}
        self.started = time.time()

    def load(self) -> None:
        from ... import Catalog, Identifier, IdentifierOptions

        c = self.config
        kw = dict(variant=c.variant, intra_op_threads=c.threads, top_k=c.top_k, max_batch=c.max_batch)
        if c.model:
            kw["model"] = c.model
        self.identifier = Identifier(IdentifierOptions(**kw))
        if c.catalog:
            self.catalog = Catalog(c.catalog, identifier=self.identifier)
        if c.batching:
            self.runner = MicroBatcher(self.identifier, c.max_batch, c.max_wait_ms / 1e3, c.batch_workers,
                                       on_batch=self.metrics.observe_batch)
        else:
            self.runner = DirectRunner(self.identifier)
        if c.dictation:
            self._load_dictation()
        self.ready = True

    def _load_dictation(self) -> None:
        from ...dictation import Dictation, DictationOptions

        base = {"model_dir": self.config.vosk_model} if self.config.vosk_model else {}
        try:
            Dictation.preload(DictationOptions(**base), recognizers=1)
        except Exception as exc:  # noqa: BLE001 - the service runs without dictation
            self.dictation_error = f"dictation unavailable: {exc}"
            log.warning("%s", self.dictation_error)
            return
        self.dictation_base = base
        self.dictation_ready = True

    def close(self) -> None:
        self.ready = False
        if self.runner is not None:
            self.runner.close()
        if self.catalog is not None:
            self.catalog.close()
        if self.identifier is not None:
            self.identifier.close()


# ------------------------------------------------------------------------------------ helpers
def _dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class _JSON(JSONResponse):
    def render(self, content) -> bytes:
        return _dumps(content)


def _problem_response(request, exc: BaseException) -> Response:
    p = problems.from_exception(exc)
    if p.status >= 500:
        log.error("request %s %s failed", request.method, request.url.path, exc_info=exc)
    svc = request.app.state.service
    svc.metrics.errors.labels(route_label(request.url.path), p.kind).inc()
    return Response(problems.encode(p, instance=request.url.path, request_id=request_id_of(request.scope)),
                    status_code=p.status, media_type=problems.MEDIA_TYPE, headers=p.headers)


def endpoint(fn):
    """Every exception of a route becomes problem details (library errors 4xx, the rest 500)."""

    @functools.wraps(fn)
    async def wrapper(request: Request):
        try:
            return await fn(request, request.app.state.service)
        except Exception as exc:  # noqa: BLE001
            return _problem_response(request, exc)

    return wrapper


def _qint(request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise problems.Problem(400, "invalid-parameter", f"{name} must be an integer") from None
    if not lo <= v <= hi:
        raise problems.Problem(400, "invalid-parameter", f"{name} must be in {lo}..{hi}")
    return v


def _qbool(request, name: str, default: bool) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    v = raw.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise problems.Problem(400, "invalid-parameter", f"{name} must be true or false")


def _qstr(request, name: str) -> str | None:
    raw = request.query_params.get(name)
    return raw if raw else None


def _need_catalog(svc):
    if svc.catalog is None:
        raise problems.Problem(404, "catalog-not-configured",
                               "this server has no catalog (start it with --catalog PATH)")
    return svc.catalog


def _media_type(request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _image_upload(request, svc) -> bytes:
    """The image of a raw body or of a multipart body's first file part (in memory only)."""
    limit = svc.config.max_body_bytes
    if _media_type(request) == "multipart/form-data":
        parts = await read_multipart(request, limit)
        files = [p for p in parts if p.is_file or p.name in ("image", "file", "photo")]
        if not files:
            raise problems.Problem(422, "missing-image", "the multipart body has no image part")
        data = bytes(files[0].data)
    else:
        data = await read_body(request, limit)
    if not data:
        raise problems.Problem(422, "invalid-image", "empty body: send the photo's bytes")
    check_pixels(data, svc.config.max_pixels)
    return data


def _labels_json(r, top_k: int) -> list[dict]:
    return [{"index": lb.index, "name": lb.name, "score": lb.score} for lb in r.labels[:top_k]]


def _category_json(c):
    return None if c is None else {"key": c.key, "name": c.name, "score": c.score}


def _valuation_json(v):
    if v is None:
        return None
    return {"low": v.low, "likely": v.likely, "high": v.high, "currency": v.currency,
            "confidence": v.confidence, "method": v.method, "explanation": v.explanation,
            "contributors": [{"item_id": c.item_id, "name": c.name, "weight": c.weight,
                              "confidence": c.confidence, "similarity": c.similarity,
                              "value_low": c.value_low, "value_high": c.value_high} for c in v.contributors]}


def _match_json(m) -> dict:
    return {"unknown": m.unknown, "reason": m.reason, "top_similarity": m.top_similarity, "margin": m.margin,
            "sim_threshold": m.sim_threshold, "margin_threshold": m.margin_threshold, "model_id": m.model_id,
            "best": None if m.best is None else m.best.item_id,
            "matches": [{"item_id": x.item_id, "name": x.name, "similarity": x.similarity,
                         "confidence": x.confidence, "category": x.category, "value_low": x.value_low,
                         "value_high": x.value_high, "currency": x.currency,
                         "attributes": dict(x.attributes)} for x in m.matches],
            "valuation": _valuation_json(m.valuation)}


def _item_json(it: dict) -> dict:
    return {k: it.get(k) for k in (*_ITEM_FIELDS, "source", "updated", "reference_count") if k in it}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


# ------------------------------------------------------------------------------------- routes
async def healthz(request):
    return _JSON({"status": "ok"})


async def readyz(request):
    svc = request.app.state.service
    body = {"ready": svc.ready, "model_id": getattr(svc.identifier, "model_id", None),
            "catalog": svc.catalog is not None, "dictation": svc.dictation_ready,
            "batching": svc.config.batching}
    if not svc.ready:
        p = problems.Problem(503, "not-ready", "models are still loading", extra=body)
        return Response(problems.encode(p, instance="/readyz", request_id=request_id_of(request.scope)),
                        503, media_type=problems.MEDIA_TYPE)
    return _JSON(body)


async def metrics(request):
    svc = request.app.state.service
    return Response(svc.metrics.render(), media_type=svc.metrics.content_type)


async def openapi(request):
    from .openapi import document

    return _JSON(document(request.app.state.service.config))


@endpoint
async def identify(request, svc):
    t0 = time.perf_counter()
    top_k = _qint(request, "top_k", svc.config.top_k, 1, svc.config.top_k)
    k = _qint(request, "k", 3, 1, MAX_K)
    want_match = _qbool(request, "match", True)
    want_emb = _qbool(request, "embedding", False)
    category = _qstr(request, "category")
    data = await _image_upload(request, svc)
    result, info = await svc.runner.identify(data)
    del data
    svc.metrics.observe_identify(result.timings, info.queue_ms)
    timings = {k_: v for k_, v in result.timings.items() if k_ != "total"}
    timings["queue"] = info.queue_ms
    body = {"model_id": result.model_id, "labels": _labels_json(result, top_k),
            "category": _category_json(result.category),
            "categories": [_category_json(c) for c in result.categories[:3]],
            "match": None, "valuation": None, "batch_size": info.batch_size}
    if svc.catalog is not None and want_match:
        t1 = time.perf_counter()
        m = await run_in_threadpool(svc.catalog.match, result, k, category=category)
        timings["match"] = (time.perf_counter() - t1) * 1e3
        svc.metrics.stage.labels("match").observe(timings["match"] / 1e3)
        body["match"] = _match_json(m)
        body["valuation"] = body["match"]["valuation"]
    if want_emb:
        body["embedding"] = [float(v) for v in result.embedding]
    timings["total"] = (time.perf_counter() - t0) * 1e3
    body["timings_ms"] = timings
    return _JSON(body)


async def _json_body(request, svc) -> dict:
    raw = await read_body(request, svc.config.max_json_bytes)
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise problems.Problem(400, "invalid-json", "the body is not valid JSON") from None
    if not isinstance(obj, dict):
        raise problems.Problem(422, "invalid-argument", "the JSON body must be an object")
    return obj


def _item_fields(obj: dict, extra: tuple[str, ...] = ()) -> dict:
    unknown = set(obj) - set(_ITEM_FIELDS) - set(extra)
    if unknown:
        raise problems.Problem(422, "invalid-argument", f"unknown item fields: {sorted(unknown)}")
    for key in ("item_id", "name"):
        if key not in obj:
            raise problems.Problem(422, "invalid-argument", f"'{key}' is required")
    if obj.get("category") is not None and not isinstance(obj["category"], str):
        raise problems.Problem(422, "invalid-argument", "'category' must be a string")
    return obj


@endpoint
async def create_item(request, svc):
    cat = _need_catalog(svc)
    images: list[bytes] = []
    if _media_type(request) == "multipart/form-data":
        parts = await read_multipart(request, svc.config.max_body_bytes)
        meta = [p for p in parts if not p.is_file and p.name in ("item", "metadata")]
        if len(meta) != 1:
            raise problems.Problem(422, "invalid-argument", "multipart needs exactly one 'item' JSON part")
        try:
            obj = json.loads(bytes(meta[0].data))
        except (ValueError, UnicodeDecodeError):
            raise problems.Problem(400, "invalid-json", "the 'item' part is not valid JSON") from None
        if not isinstance(obj, dict):
            raise problems.Problem(422, "invalid-argument", "the 'item' part must be a JSON object")
        fields = _item_fields(obj)
        images = [bytes(p.data) for p in parts if p.is_file or p.name in ("image", "images")]
        for im in images:
            check_pixels(im, svc.config.max_pixels)
        if not images:
            raise problems.Problem(422, "missing-image", "multipart item creation needs at least one image part")
        if len(images) > MAX_IMAGES:
            raise problems.Problem(422, "invalid-argument", f"at most {MAX_IMAGES} reference images per request")
        embeddings, model_id = None, None
    else:
        fields = _item_fields(await _json_body(request, svc), ("embeddings", "model_id"))
        embeddings = fields.pop("embeddings", None)
        model_id = fields.pop("model_id", None)
        if embeddings is not None and (not isinstance(embeddings, list) or not embeddings or not all(
                isinstance(row, list) and row and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                      for v in row) for row in embeddings)):
            raise problems.Problem(422, "invalid-argument", "'embeddings' must be a non-empty list of number lists")
        if model_id is not None and not isinstance(model_id, str):
            raise problems.Problem(422, "invalid-argument", "'model_id' must be a string")
    item_id = fields.pop("item_id")
    name = fields.pop("name")
    if isinstance(item_id, str) and item_id in cat:
        raise problems.Problem(409, "item-exists", f"item {item_id!r} already exists")

    def add():
        import numpy as np

        emb = None if embeddings is None else np.asarray(embeddings, dtype=np.float32)
        cat.add_item(item_id, name, images=images, embeddings=emb, model_id=model_id, **fields)
        return cat.get_item(item_id)

    try:
        it = await run_in_threadpool(add)
    except ValuePixError:
        raise
    except (TypeError, ValueError) as exc:  # a field of the wrong JSON type the library did not expect
        raise problems.Problem(422, "invalid-argument", str(exc)) from None
    finally:
        images.clear()
    return _JSON(_item_json(it), status_code=201,
                 headers={"Location": "/v1/catalog/items/" + quote(it["item_id"], safe="", errors="backslashreplace")})


@endpoint
async def list_items(request, svc):
    cat = _need_catalog(svc)
    limit = _qint(request, "limit", 100, 1, MAX_LIST)
    offset = _qint(request, "offset", 0, 0, 10**9)
    category = _qstr(request, "category")

    def page():
        rows = list(itertools.islice(cat.items(category), offset, offset + limit))
        return rows, len(cat)

    rows, total = await run_in_threadpool(page)
    return _JSON({"items": [_item_json(r) for r in rows], "count": len(rows), "total": total,
                  "offset": offset, "limit": limit})


@endpoint
async def get_item(request, svc):
    cat = _need_catalog(svc)
    it = await run_in_threadpool(cat.get_item, request.path_params["item_id"])
    return _JSON(_item_json(it))


@endpoint
async def delete_item(request, svc):
    cat = _need_catalog(svc)
    await run_in_threadpool(cat.remove_item, request.path_params["item_id"])
    return Response(status_code=204)


@endpoint
async def match(request, svc):
    cat = _need_catalog(svc)
    t0 = time.perf_counter()
    k = _qint(request, "k", 3, 1, MAX_K)
    category = _qstr(request, "category")
    timings: dict = {}
    if _media_type(request) == "application/json":
        obj = await _json_body(request, svc)
        emb = obj.get("embedding")
        if not isinstance(emb, list) or not emb or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in emb):
            raise problems.Problem(422, "invalid-argument", "'embedding' must be a non-empty list of numbers")
        import numpy as np

        query = np.asarray(emb, dtype=np.float64)
        if "k" in obj:
            k_ = obj["k"]
            if isinstance(k_, bool) or not isinstance(k_, int) or not 1 <= k_ <= MAX_K:
                raise problems.Problem(422, "invalid-argument", f"'k' must be an integer 1..{MAX_K}")
            k = k_
        if obj.get("category") is not None:
            if not isinstance(obj["category"], str):
                raise problems.Problem(422, "invalid-argument", "'category' must be a string")
            category = obj["category"]
    else:
        data = await _image_upload(request, svc)
        result, info = await svc.runner.identify(data)
        svc.metrics.observe_identify(result.timings, info.queue_ms)
        timings.update({k_: v for k_, v in result.timings.items() if k_ != "total"})
        timings["queue"] = info.queue_ms
        query = result
    t1 = time.perf_counter()
    m = await run_in_threadpool(cat.match, query, k, category=category)
    timings["match"] = (time.perf_counter() - t1) * 1e3
    svc.metrics.stage.labels("match").observe(timings["match"] / 1e3)
    timings["total"] = (time.perf_counter() - t0) * 1e3
    return _JSON({**_match_json(m), "timings_ms": timings})


def _by_method(**handlers):
    async def dispatch(request):
        return await handlers[request.method if request.method != "HEAD" else "GET"](request)

    return dispatch


# -------------------------------------------------------------------------------- error hooks
async def _http_exception(request, exc: HTTPException):
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    p = problems.Problem(exc.status_code, kind, str(exc.detail), headers=dict(exc.headers or {}))
    return _problem_response(request, p)


async def _unhandled(request, exc: Exception):
    return _problem_response(request, exc)


# ---------------------------------------------------------------------------------------- app
def create_app(config: ServiceConfig | None = None, **kw) -> Starlette:
    """The ASGI app.  ``kw`` are :class:`ServiceConfig` fields (when ``config`` is not given).
    Models load in the lifespan startup (``/readyz`` turns 200 once they have)."""
    if config is None:
        config = ServiceConfig(**kw)
    elif kw:
        raise TypeError("pass either a ServiceConfig or keyword fields, not both")
    svc = _Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(svc.load)
        log.info("valuepix service ready: model %s, catalog %s, dictation %s, batching %s",
                 svc.identifier.model_id, config.catalog, svc.dictation_ready, config.batching)
        try:
            yield
        finally:
            await run_in_threadpool(svc.close)

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/identify", identify, methods=["POST"]),
        # one Route per path, so a 405 lists every allowed method in its Allow header
        Route("/v1/catalog/items", _by_method(GET=list_items, POST=create_item), methods=["GET", "POST"]),
        Route("/v1/catalog/items/{item_id:path}", _by_method(GET=get_item, DELETE=delete_item),
              methods=["GET", "DELETE"]),
        Route("/v1/catalog/match", match, methods=["POST"]),
        WebSocketRoute("/v1/dictate", dictate),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestContextMiddleware, metrics=svc.metrics),
                    Middleware(BearerAuthMiddleware, token=config.token, metrics=svc.metrics)],
        exception_handlers={HTTPException: _http_exception, Exception: _unhandled},
        lifespan=lifespan,
    )
    app.state.service = svc
    return app
