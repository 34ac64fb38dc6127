"""Upload limits enforced while the body streams, an in-memory multipart parser, and the pixel probe.

* ``read_body``: refuses a declared ``Content-Length`` over the limit before reading a byte, and
  stops reading (413) the moment a streamed (chunked) body passes it.
* ``read_multipart``: feeds the same limited stream to python-multipart's low-level parser with
  callbacks that collect parts in ``bytearray`` objects — never Starlette's form parser, whose
  ``UploadFile`` spools files above 1 MB into a temporary file on disk.  Uploads live in memory
  only and are dropped with the request.
* ``check_pixels``: reads only the image header (Pillow's lazy open) and refuses images declaring
  more than ``max_pixels`` before anything is decoded; the library's own ``max_pixels`` guard
  still applies when the image is decoded.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from .problems import Problem

MAX_PARTS = 32


def _too_large(limit: int, what: str = "request body") -> Problem:
    return Problem(413, "payload-too-large", f"{what} exceeds the limit of {limit} bytes",
                   headers={"Connection": "close"}, extra={"limit_bytes": limit})


def declared_length(request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        n = int(raw)
    except ValueError:
        raise Problem(400, "bad-request", "Content-Length is not an integer") from None
    if n < 0:
        raise Problem(400, "bad-request", "Content-Length is negative")
    return n


async def iter_body(request, limit: int):
    """Yield body chunks, raising 413 as soon as the declared or streamed size passes ``limit``."""
    n = declared_length(request)
    if n is not None and n > limit:
        raise _too_large(limit)
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise _too_large(limit)
        if chunk:
            yield chunk


async def read_body(request, limit: int) -> bytes:
    buf = bytearray()
    async for chunk in iter_body(request, limit):
        buf += chunk
    return bytes(buf)


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytearray = field(default_factory=bytearray)

    @property
    def is_file(self) -> bool:
        return self.filename is not None


def boundary_of(content_type: str) -> bytes:
    from python_multipart.multipart import parse_options_header

    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise Problem(400, "bad-request", "multipart/form-data needs a boundary parameter")
    return boundary


async def read_multipart(request, limit: int) -> list[Part]:
    """All parts of a multipart/form-data body, in memory (at most ``MAX_PARTS``)."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    boundary = boundary_of(request.headers.get("content-type", ""))
    parts: list[Part] = []
    state = {"field": b"", "value": b"", "headers": {}}

    def on_part_begin():
        if len(parts) >= MAX_PARTS:
            raise Problem(413, "too-many-parts", f"more than {MAX_PARTS} multipart parts")
        state["headers"] = {}

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["field"].decode("latin-1").lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        h = state["headers"]
        disp, opts = parse_options_header(h.get("content-disposition", b""))
        if disp != b"form-data" or b"name" not in opts:
            raise Problem(400, "bad-request", "every multipart part needs Content-Disposition: form-data; name=...")
        fn = opts.get(b"filename")
        ctype = h.get("content-type")
        parts.append(Part(opts[b"name"].decode("utf-8", "replace"),
                          None if fn is None else fn.decode("utf-8", "replace"),
                          None if ctype is None else ctype.decode("latin-1")))

    def on_part_data(data, start, end):
        parts[-1].data += data[start:end]

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data})
    try:
        async for chunk in iter_body(request, limit):
            parser.write(chunk)
        parser.finalize()
    except Problem:
        raise
    except Exception as exc:  # python-multipart's MultipartParseError and friends
        raise Problem(400, "bad-request", f"malformed multipart body: {exc}") from None
    return parts


def check_pixels(data: bytes, max_pixels: int) -> None:
    """413 if the image header declares more than ``max_pixels`` (header only, nothing decoded).
    Data Pillow cannot identify is left to the library, which reports it as 415 / 422."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
    except Exception:  # not an image Pillow knows (or a bomb Pillow refuses): the library decides
        return
    if w * h > max_pixels:
        raise Problem(413, "image-too-large", f"{w}x{h} = {w * h} pixels exceeds the limit of {max_pixels}",
                      extra={"limit_pixels": max_pixels})
