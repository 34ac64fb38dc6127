"""Helpers for the service tests (no tests here): a real uvicorn server on 127.0.0.1 in a thread,
images made on the fly, raw-socket HTTP for the streaming-limit tests."""
from __future__ import annotations

import io
import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TOKEN = "s3cret-token"


class ServerThread:
    """uvicorn.Server on 127.0.0.1:<free port> in a daemon thread (shared by a test module)."""

    def __init__(self, app, **uvicorn_kw):
        import uvicorn

        # VALUEPIX_TEST_HTTP=h11 / httptools picks uvicorn's HTTP implementation (default: auto)
        kw = dict(host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on",
                  http=os.environ.get("VALUEPIX_TEST_HTTP", "auto"))
        kw.update(uvicorn_kw)
        self.config = uvicorn.Config(app, **kw)
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)
        self.app = app

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 180
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn exited during startup")
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 180 s")
            time.sleep(0.05)
        sock = self.server.servers[0].sockets[0]
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(30)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive() and not self.server.should_exit


def jpeg_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def noise_jpeg(width: int, height: int, quality: int = 95, seed: int = 0, exif=None) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    im = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
    buf = io.BytesIO()
    kw = {"quality": quality}
    if exif is not None:
        kw["exif"] = exif
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def big_png(width: int, height: int) -> bytes:
    """A large-dimension PNG that compresses to almost nothing (a decompression-bomb shape)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 0).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def raw_request(port: int, head: str, body_parts=(), read_timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """Send ``head`` (request line + headers) and the given body parts on a raw socket, then read
    the response without sending anything else.  Returns (status, headers, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(head.encode("latin-1"))
        for part in body_parts:
            s.sendall(part)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head_raw, _, rest = data.partition(b"\r\n\r\n")
        lines = head_raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
        n = int(headers.get("content-length", "0"))
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, headers, rest
    finally:
        s.close()
