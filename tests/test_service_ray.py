"""Scale-out: the same ASGI app as a Ray Serve deployment on a local single-node Ray cluster.
Skipped when ``ray[serve]`` is not installed (it is not a dependency of the package)."""
from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
serve = pytest.importorskip("ray.serve")
httpx = pytest.importorskip("httpx")

from test_service_support import EXAMPLES, TOKEN, raw_request  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_url():
    sys.path.insert(0, str(REPO))
    from deploy.ray_serve import deployment

    from valuepix_core.adapters.http import ServiceConfig

    port = _free_port()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(REPO)}})
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        cfg = ServiceConfig(catalog=":memory:", dictation=False, token=TOKEN, max_body_bytes=1024 * 1024)
        serve.run(deployment(cfg, num_replicas=2, num_cpus=0.5).bind(), name="valuepix", route_prefix="/")
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield url, port
    finally:
        serve.shutdown()
        ray.shutdown()


def test_ray_serve_wraps_the_same_app(ray_url):
    url, port = ray_url
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(url + "/readyz").json()["ready"] is True
    jpg = (EXAMPLES / "coffee.jpg").read_bytes()
    r = httpx.post(url + "/v1/identify", content=jpg, headers={**auth, "X-Request-ID": "ray-1"}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["labels"][0]["name"] == "espresso"
    # Ray's proxy echoes X-Request-ID too (same value): the id survives the extra hop
    assert {v.strip() for v in r.headers["x-request-id"].split(",")} == {"ray-1"}
    r = httpx.post(url + "/v1/identify", content=jpg, timeout=60)
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    r = httpx.post(url + "/v1/identify", content=b"garbage", headers=auth, timeout=60)
    assert r.status_code == 415 and r.json()["type"].endswith("unsupported-media-type")
    # both replicas answer (each has its own identifier); 40 requests spread over them
    with httpx.Client(base_url=url, headers=auth, timeout=60) as c:
        codes = [c.post("/v1/identify", content=jpg).status_code for _ in range(40)]
    assert codes == [200] * 40
    head = (f"POST /v1/identify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Length: {64 * 1024 * 1024}\r\n\r\n")
    status, _, body = raw_request(port, head, [b"\xff\xd8" + b"\0" * 1024], read_timeout=60)
    assert status == 413 and json.loads(body)["type"].endswith("payload-too-large")
