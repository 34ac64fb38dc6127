"""RFC 7807 problem details (``application/problem+json``) and the one mapping from library
exceptions to HTTP statuses."""
from __future__ import annotations

import json
from http import HTTPStatus

from ...errors import (AudioFormatError, CatalogCorruptError, CatalogError, ImageTooLargeError,
                       InvalidArgumentError, InvalidImageError, ItemNotFoundError, ModelError,
                       UnsupportedFormatError, ValuePixError)

PROBLEM_TYPE_BASE = "https://valuepix.dev/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An HTTP error with a problem-details body.  ``kind`` becomes the ``type`` URI's last part."""

    def __init__(self, status: int, kind: str, detail: str = "", *, headers: dict | None = None,
                 extra: dict | None = None):
        super().__init__(detail or kind)
        self.status = int(status)
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


# most specific first (isinstance order matters)
_MAP: tuple[tuple[type, int, str], ...] = (
    (ImageTooLargeError, 413, "image-too-large"),
    (UnsupportedFormatError, 415, "unsupported-media-type"),
    (InvalidImageError, 422, "invalid-image"),
    (AudioFormatError, 422, "invalid-audio"),
    (InvalidArgumentError, 422, "invalid-argument"),
    (ItemNotFoundError, 404, "item-not-found"),
    (CatalogCorruptError, 503, "catalog-unavailable"),
    (CatalogError, 409, "catalog-conflict"),
    (ModelError, 503, "model-unavailable"),
)


def from_exception(exc: BaseException) -> Problem:
    """The problem for a library exception (anything else: 500 without internals)."""
    if isinstance(exc, Problem):
        return exc
    for cls, status, kind in _MAP:
        if isinstance(exc, cls):
            detail = exc.args[0] if isinstance(exc, ItemNotFoundError) and exc.args else str(exc)
            if isinstance(exc, ItemNotFoundError):
                detail = f"no catalog item with id {detail!r}"
            return Problem(status, kind, str(detail), extra={"error": type(exc).__name__})
    if isinstance(exc, ValuePixError):
        return Problem(500, "library-error", str(exc), extra={"error": type(exc).__name__})
    return Problem(500, "internal-error", "internal server error")


def body(problem: Problem, *, instance: str | None = None, request_id: str | None = None) -> dict:
    try:
        title = HTTPStatus(problem.status).phrase
    except ValueError:
        title = "Error"
    d = {"type": PROBLEM_TYPE_BASE + problem.kind, "title": title, "status": problem.status,
         "detail": problem.detail or title}
    if instance:
        d["instance"] = instance
    if request_id:
        d["request_id"] = request_id
    d.update(problem.extra)
    return d


def encode(problem: Problem, **kw) -> bytes:
    return json.dumps(body(problem, **kw), ensure_ascii=False).encode("utf-8")
