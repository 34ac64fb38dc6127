"""``valuepix models fetch``: download a known Vosk model, verify it, unpack it atomically.

The only code in valuepix_core that touches the network, and only when called explicitly.
Library code reports progress through a callback (``progress(done_bytes, total_bytes_or_None)``);
the CLI draws the tqdm bar.

Safety:
* the archive downloads to ``<dest>/.<name>.zip.part``; a re-run after an interruption resumes it
  with an HTTP Range request (or starts over if the server ignores ranges);
* its sha256 must match the pinned (or caller-given) hash before anything is unpacked;
* it unpacks into a private ``<dest>/.<name>.unpack-*`` directory and is renamed into place in one
  step, so ``<dest>/<name>`` is either absent or complete; stale unpack directories from an
  interrupted run are removed on the next one;
* zip members with absolute paths, ``..`` components, drive letters or symlinks are refused
  (path traversal), as are archives that inflate beyond a size limit (zip bombs).
"""
from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping

from ..errors import InvalidArgumentError, ModelIntegrityError, ModelNotFoundError
from .model_locator import is_model_dir, models_home

ENV_BASE_URL = "VALUEPIX_VOSK_BASE_URL"
CHUNK = 1 << 20
MAX_UNPACKED_BYTES = 16 << 30


@dataclass(frozen=True)
class KnownModel:
    name: str
    url: str
    sha256: str | None  # None: no hash pinned here; fetch needs one from the caller
    size_bytes: int | None  # approximate download size (progress bar fallback)
    lang: str
    note: str = ""


_BASE = "https://alphacephei.com/vosk/models/"

KNOWN_MODELS: dict[str, KnownModel] = {
    m.name: m for m in (
        KnownModel("vosk-model-small-en-us-0.15", _BASE + "vosk-model-small-en-us-0.15.zip",
                   "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498", 40 << 20, "en-us",
                   "Apache-2.0; hash as pinned by other projects' install scripts"),
        KnownModel("vosk-model-small-ko-0.22", _BASE + "vosk-model-small-ko-0.22.zip",
                   None, 82 << 20, "ko", "no hash pinned yet: pass --sha256"),
    )
}

Progress = Callable[[int, "int | None"], None]


def _url_for(entry: KnownModel, base_url: str | None) -> str:
    base = base_url or os.environ.get(ENV_BASE_URL)
    if base:
        return base.rstrip("/") + "/" + entry.url.rsplit("/", 1)[-1]
    return entry.url


def _hash_file(path: Path) -> "hashlib._Hash":
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h


def download(url: str, part: Path, *, timeout: float = 60.0, progress: Progress | None = None,
             size_hint: int | None = None) -> str:
    """Download (or resume) ``url`` into ``part``; return the sha256 hex of the whole file."""
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "valuepix-models-fetch"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            if progress:
                progress(have, have)
            return _hash_file(part).hexdigest()
        raise ModelNotFoundError(f"download failed: HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ModelNotFoundError(f"download failed for {url}: {exc}") from exc
    with resp:
        if have and resp.status == 206:
            h = _hash_file(part)
            mode = "ab"
        else:  # server ignored the range: start over
            have, h, mode = 0, hashlib.sha256(), "wb"
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else size_hint
        done = have
        if progress:
            progress(done, total)
        expected_end = have + int(length) if length and length.isdigit() else None
        with open(part, mode) as f:
            try:
                while True:
                    block = resp.read(CHUNK)
                    if not block:
                        break
                    f.write(block)
                    h.update(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
            except (OSError, http.client.HTTPException) as exc:
                raise ModelNotFoundError(
                    f"download interrupted after {done} bytes ({exc}); run again to resume") from exc
            finally:
                f.flush()
                os.fsync(f.fileno())
    if expected_end is not None and done != expected_end:
        raise ModelNotFoundError(
            f"download interrupted after {done} of {expected_end} bytes; run again to resume")
    return h.hexdigest()


def _safe_member_path(root: Path, info: zipfile.ZipInfo) -> Path | None:
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelIntegrityError(f"archive member is a symlink (refused): {info.filename!r}")
    p = PurePosixPath(name)
    if name.startswith("/") or p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise ModelIntegrityError(f"archive member escapes the destination (refused): {info.filename!r}")
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts:
        return None
    target = root.joinpath(*parts)
    resolved_root = root.resolve()
    if resolved_root != target.resolve() and resolved_root not in target.resolve().parents:
        raise ModelIntegrityError(f"archive member escapes the destination (refused): {info.filename!r}")
    return target


def safe_extract(archive: Path, dest: Path, max_bytes: int = MAX_UNPACKED_BYTES) -> None:
    """Extract a zip into ``dest`` refusing traversal, symlinks and oversize content."""
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        if sum(i.file_size for i in infos) > max_bytes:
            raise ModelIntegrityError("archive inflates beyond the size limit (refused)")
        targets = [(i, _safe_member_path(dest, i)) for i in infos]  # check all before writing any
        for info, target in targets:
            if target is None:
                continue
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                written = 0
                for block in iter(lambda: src.read(CHUNK), b""):
                    written += len(block)
                    if written > info.file_size:
                        raise ModelIntegrityError(f"member {info.filename!r} inflates beyond its size")
                    out.write(block)


def _find_model_root(folder: Path) -> Path:
    if is_model_dir(folder):
        return folder
    children = [c for c in folder.iterdir() if c.is_dir()]
    for c in children:
        if is_model_dir(c):
            return c
    raise ModelIntegrityError("the archive does not contain a Vosk model (no am/final.mdl + conf/)")


def fetch_model(name: str, dest_dir: str | os.PathLike | None = None, *,
                models: Mapping[str, KnownModel] | None = None, base_url: str | None = None,
                sha256: str | None = None, progress: Progress | None = None,
                force: bool = False, timeout: float = 60.0) -> Path:
    """Download, verify and unpack the known model ``name`` into ``dest_dir/name``; return its path.

    Safe to re-run: an installed model is returned as is (unless ``force``), a partial download
    resumes.  Raises :class:`InvalidArgumentError` (unknown name / no hash),
    :class:`ModelIntegrityError` (hash mismatch, unsafe or non-model archive) or
    :class:`ModelNotFoundError` (download failed).
    """
    table = KNOWN_MODELS if models is None else models
    entry = table.get(name)
    if entry is None:
        raise InvalidArgumentError(f"unknown model {name!r}; known: {', '.join(sorted(table))}")
    expected = (sha256 or entry.sha256 or "").lower()
    if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
        raise InvalidArgumentError(
            f"no valid sha256 pinned for {name}: pass the archive's sha256 (--sha256) to fetch it")
    dest = Path(dest_dir).expanduser() if dest_dir is not None else models_home()
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / name
    if final.exists() and is_model_dir(final) and not force:
        return final
    for stale in dest.glob(f".{name}.unpack-*"):
        shutil.rmtree(stale, ignore_errors=True)

    part = dest / f".{name}.zip.part"
    got = download(_url_for(entry, base_url), part, timeout=timeout, progress=progress,
                   size_hint=entry.size_bytes)
    if got != expected:
        part.unlink(missing_ok=True)
        raise ModelIntegrityError(f"sha256 mismatch for {name}: expected {expected}, got {got}")

    work = Path(tempfile.mkdtemp(prefix=f".{name}.unpack-", dir=dest))
    try:
        try:
            safe_extract(part, work / "x")
        except zipfile.BadZipFile as exc:
            raise ModelIntegrityError(f"{name}: not a valid zip archive ({exc})") from exc
        root = _find_model_root(work / "x")
        if final.exists():
            old = work / "old"
            os.rename(final, old)
        os.rename(root, final)  # atomic on one filesystem: final appears complete or not at all
    finally:
        shutil.rmtree(work, ignore_errors=True)
    part.unlink(missing_ok=True)
    return final
