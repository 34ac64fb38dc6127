"""`valuepix models fetch` / `list` against a local HTTP server on 127.0.0.1 serving generated zips."""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from valuepix_core import InvalidArgumentError, ModelIntegrityError, ModelNotFoundError
from valuepix_core.dictation import fetch as F


def _model_zip(top="vosk-model-test-0.1", extra=None, payload=200_000) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{top}/am/final.mdl", os.urandom(payload))
        z.writestr(f"{top}/conf/mfcc.conf", "--use-energy=false\n")
        z.writestr(f"{top}/conf/model.conf", "--beam=10.0\n")
        z.writestr(f"{top}/README", "test model\n")
        for name, data in (extra or {}).items():
            if isinstance(data, zipfile.ZipInfo):
                z.writestr(data, b"x")
            else:
                z.writestr(name, data)
    return buf.getvalue()


class _Server:
    """Serves ``files`` (name -> bytes) with HTTP Range support; counts requests."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: int | None = None  # simulate a dropped connection
        files, reqs, outer = self.files, self.requests, self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                rng = self.headers.get("Range")
                reqs.append((name, rng))
                data = files.get(name)
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if outer.cut_after is not None:
                    self.wfile.write(body[:outer.cut_after])
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/models"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def _table(name, data, sha=None):
    return {name: F.KnownModel(name, f"https://example.invalid/{name}.zip",
                               sha if sha is not None else hashlib.sha256(data).hexdigest(), len(data), "xx")}


def test_fetch_verifies_unpacks_and_is_idempotent(server, tmp_path):
    data = _model_zip()
    server.files["vosk-model-test-0.1.zip"] = data
    table = _table("vosk-model-test-0.1", data)
    seen = []
    path = F.fetch_model("vosk-model-test-0.1", tmp_path, models=table, base_url=server.url,
                         progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "vosk-model-test-0.1"
    assert (path / "am" / "final.mdl").is_file() and (path / "conf" / "mfcc.conf").is_file()
    assert seen[-1] == (len(data), len(data))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vosk-model-test-0.1"]  # no leftovers
    n = len(server.requests)
    assert F.fetch_model("vosk-model-test-0.1", tmp_path, models=table, base_url=server.url) == path
    assert len(server.requests) == n  # already installed: no download


def test_fetch_resumes_after_interruption(server, tmp_path):
    data = _model_zip(payload=400_000)
    name = "vosk-model-test-0.1"
    server.files[name + ".zip"] = data
    table = _table(name, data)
    server.cut_after = 150_000
    with pytest.raises((ModelIntegrityError, ModelNotFoundError)):
        F.fetch_model(name, tmp_path, models=table, base_url=server.url, timeout=5)
    part = tmp_path / f".{name}.zip.part"
    assert part.is_file() and 0 < part.stat().st_size < len(data)
    assert not (tmp_path / name).exists()
    server.cut_after = None
    have = part.stat().st_size
    path = F.fetch_model(name, tmp_path, models=table, base_url=server.url)
    assert server.requests[-1] == (name + ".zip", f"bytes={have}-")
    assert (path / "am" / "final.mdl").is_file() and not part.exists()


def test_fetch_rejects_a_hash_mismatch(server, tmp_path):
    data = _model_zip()
    server.files["m.zip"] = data
    table = _table("m", data, sha="0" * 64)
    with pytest.raises(ModelIntegrityError, match="sha256"):
        F.fetch_model("m", tmp_path, models=table, base_url=server.url)
    assert list(tmp_path.iterdir()) == []


def _evil(name: str) -> bytes:
    return _model_zip(extra={name: b"pwned"})


@pytest.mark.parametrize("member", ["../evil.txt", "vosk-model-test-0.1/../../evil.txt", "/tmp/evil.txt",
                                    "C:/evil.txt", "..\\evil.txt"])
def test_fetch_refuses_path_traversal(server, tmp_path, member):
    dest = tmp_path / "models"
    data = _evil(member)
    server.files["m.zip"] = data
    with pytest.raises(ModelIntegrityError, match="refused"):
        F.fetch_model("m", dest, models=_table("m", data), base_url=server.url)
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    assert [p.name for p in dest.iterdir()] == [".m.zip.part"]  # nothing unpacked, nothing installed


def test_fetch_refuses_symlink_members(server, tmp_path):
    info = zipfile.ZipInfo("vosk-model-test-0.1/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _model_zip(extra={"link": info})
    server.files["m.zip"] = data
    with pytest.raises(ModelIntegrityError, match="symlink"):
        F.fetch_model("m", tmp_path, models=_table("m", data), base_url=server.url)
    assert not (tmp_path / "m").exists()


def test_fetch_refuses_archives_without_a_model(server, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "no model here")
    server.files["m.zip"] = buf.getvalue()
    with pytest.raises(ModelIntegrityError, match="Vosk model"):
        F.fetch_model("m", tmp_path, models=_table("m", buf.getvalue()), base_url=server.url)
    assert not (tmp_path / "m").exists()


def test_fetch_argument_errors(server, tmp_path):
    with pytest.raises(InvalidArgumentError, match="unknown model"):
        F.fetch_model("nope", tmp_path, models={})
    table = {"m": F.KnownModel("m", "http://x/m.zip", None, None, "xx")}
    with pytest.raises(InvalidArgumentError, match="sha256"):
        F.fetch_model("m", tmp_path, models=table)
    with pytest.raises(ModelNotFoundError):
        F.fetch_model("m", tmp_path, models=table, sha256="a" * 64, base_url=server.url)  # 404


def test_known_models_table_is_well_formed():
    for name, m in F.KNOWN_MODELS.items():
        assert name == m.name and m.url.endswith(f"/{name}.zip") and m.url.startswith("https://")
        assert m.sha256 is None or (len(m.sha256) == 64 and int(m.sha256, 16) >= 0)


def test_cli_models_fetch_and_list(server, tmp_path, monkeypatch, capsys):
    from valuepix_core.cli import main

    data = _model_zip()
    server.files["vosk-model-test-0.1.zip"] = data
    monkeypatch.setitem(F.KNOWN_MODELS, "vosk-model-test-0.1", _table("vosk-model-test-0.1", data)["vosk-model-test-0.1"])
    monkeypatch.setenv("VALUEPIX_VOSK_MODELS_HOME", str(tmp_path))
    assert main(["models", "fetch", "vosk-model-test-0.1", "--base-url", server.url]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "vosk-model-test-0.1")
    assert "vosk-model-test-0.1" in err  # tqdm bar on stderr
    assert main(["models", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    fetched = [r for r in rows if r["kind"] == "vosk" and r.get("source") == "fetched"]
    assert [r["name"] for r in fetched] == ["vosk-model-test-0.1"]
    assert any(r["kind"] == "vosk" and not r["installed"] for r in rows)  # known, fetchable
    assert main(["models", "list"]) == 0
    text = capsys.readouterr().out
    assert "Vosk speech models:" in text and "Image models:" in text


def test_models_list_reads_image_manifests(tmp_path, monkeypatch, capsys):
    from valuepix_core.cli import main, models as cli_models

    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "manifest.json").write_text(json.dumps({"name": "tiny", "version": "1", "file": "t.onnx"}))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    import valuepix_core._resources as res

    monkeypatch.setattr(res, "models_root", lambda: tmp_path)
    assert main(["models", "list", "--json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "image"]
    assert {r["name"] for r in rows} == {"tiny", "broken"}
    assert [r for r in rows if r["name"] == "tiny"][0]["present"] is False
    assert "error" in [r for r in rows if r["name"] == "broken"][0]
    assert cli_models is not None
