"""Identification benchmarks (issue 3).

    python -m pytest benchmarks/bench_identify.py --benchmark-enable -s -p no:cacheprovider \
        --benchmark-json=bench-identify.json

Every case records the images and pixels it processed in ``extra_info`` so throughput compares
across machines.  On a shared 2-core machine absolute timings are noisy, so the ratios that the
issue asks for are measured *interleaved* inside one case (A, B, A, B, ...; medians), not by
comparing two cases that ran a minute apart.

Cases
  model_latency[fp32|int8|ort]   one 224x224 tensor through onnxruntime, 1 intra-op thread
  ratio_int8_fp32                interleaved medians: int8/fp32 and ort/fp32 latency (target <= 0.55)
  batch_throughput[1|8|32]       INT8 images/s for one run over a batch
  e2e_phone[valuepix|naive]      12 MP phone JPEG (EXIF orientation 6) -> top-5: Identifier (INT8,
                                 DCT-scaled decode + fused native preprocess) vs naive Pillow + fp32
  ratio_e2e                      interleaved medians of the two (target >= 4x)
  rss_cli[int8|ort|fp32]         peak RSS of ``valuepix identify one.jpg`` in a fresh process
                                 (target <= 90 MB for the default)
"""
from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageOps

import valuepix_core as vp
from valuepix_core._resources import models_root

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import eval_photos  # noqa: E402

MODEL_DIR = models_root() / "efficientnet_lite0"
MANIFEST = json.loads((MODEL_DIR / "manifest.json").read_text())
PIX = 224 * 224
FILES = {"fp32": "fp32", "int8": "int8",
         "ort": "ort_arm" if __import__("platform").machine().lower().startswith(("arm", "aarch")) else "ort_amd64"}


def session(variant: str) -> ort.InferenceSession:
    """A session configured as the Identifier configures it (1 thread, no spinning, no arena)."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.enable_cpu_mem_arena = False
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    path = MODEL_DIR / MANIFEST["files"][FILES[variant]]["path"]
    if variant == "ort":
        so.add_session_config_entry("session.load_model_format", "ORT")
    return ort.InferenceSession(path.read_bytes(), so, providers=["CPUExecutionProvider"])


def sample_photo() -> Path:
    photos = eval_photos()
    if not photos:
        pytest.skip("needs ../shared/eval")
    return next((p for p in photos if "analog_clock" in p.name or "digital_clock" in p.name), photos[1])


def sample_tensor() -> np.ndarray:
    photos = eval_photos()
    if photos:
        return vp.preprocess(str(sample_photo()))
    return np.random.default_rng(0).uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32)


def phone_jpeg(path: Path) -> bytes:
    """12 MP phone-like JPEG: upscale to 4032x3024, mild noise, pixels stored rotated with EXIF
    orientation 6 (displayed upright), quality 90."""
    with Image.open(path) as im:
        up = im.convert("RGB").resize((4032, 3024), Image.BICUBIC)
    a = np.asarray(up, np.int16) + np.random.default_rng(0).integers(-3, 4, (3024, 4032, 3), dtype=np.int16)
    stored = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).transpose(Image.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def naive_preprocess(data: bytes) -> np.ndarray:
    """What a first attempt does: full decode, exif_transpose, Pillow bilinear, numpy normalise."""
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    w, h = im.size
    s = 256 / min(w, h)
    nw, nh = int(w * s), int(h * s)
    im = im.resize((max(nw, 256), max(nh, 256)), Image.BILINEAR)
    left, top = (im.width - 224) // 2, (im.height - 224) // 2
    a = np.asarray(im.crop((left, top, left + 224, top + 224)), np.float32)
    return np.ascontiguousarray(((a - 127.0) / 128.0).transpose(2, 0, 1)[None])


def interleaved(fns: dict, rounds: int) -> dict:
    for f in fns.values():
        f()  # warm
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            times[k].append((time.perf_counter() - t) * 1e3)
    return {k: statistics.median(v) for k, v in times.items()}


# ----------------------------------------------------------------------------------- latency
@pytest.mark.parametrize("variant", ["fp32", "int8", "ort"])
def test_model_latency(benchmark, variant):
    s, x = session(variant), sample_tensor()
    s.run(None, {"input": x})
    benchmark.extra_info.update(images=1, pixels=PIX, variant=variant, threads=1)
    benchmark(s.run, None, {"input": x})


def test_ratio_int8_fp32(benchmark):
    x = sample_tensor()
    ss = {v: session(v) for v in ("fp32", "int8", "ort")}
    med = benchmark.pedantic(
        interleaved, args=({v: (lambda s=s: s.run(None, {"input": x})) for v, s in ss.items()}, 40),
        rounds=1, iterations=1)
    benchmark.extra_info.update(
        images=1, pixels=PIX, threads=1, median_ms=med,
        int8_over_fp32=med["int8"] / med["fp32"], ort_over_fp32=med["ort"] / med["fp32"])
    print(f"\nlatency medians (ms): {med}; int8/fp32 = {med['int8'] / med['fp32']:.3f}, "
          f"ort/fp32 = {med['ort'] / med['fp32']:.3f}")


# -------------------------------------------------------------------------------- throughput
@pytest.mark.parametrize("batch", [1, 8, 32])
def test_batch_throughput(benchmark, batch):
    s = session("int8")
    x = np.repeat(sample_tensor(), batch, axis=0)
    s.run(None, {"input": x})
    benchmark.extra_info.update(images=batch, pixels=batch * PIX, batch=batch, variant="int8", threads=1)
    benchmark(s.run, None, {"input": x})
    benchmark.extra_info["images_per_s"] = batch / benchmark.stats.stats.median


# -------------------------------------------------------------------------------- end to end
@pytest.fixture(scope="module")
def phone():
    return phone_jpeg(sample_photo())


def _naive(fp32_session, data):
    logits = fp32_session.run(["logits"], {"input": naive_preprocess(data)})[0]
    return np.argsort(-logits[0])[:5]


@pytest.mark.parametrize("how", ["valuepix", "naive"])
def test_e2e_phone(benchmark, phone, how):
    benchmark.extra_info.update(images=1, pixels=4032 * 3024, bytes=len(phone), orientation=6)
    if how == "valuepix":
        with vp.Identifier() as ident:
            ident.identify(phone)
            benchmark(ident.identify, phone)
    else:
        s = session("fp32")
        benchmark(_naive, s, phone)


def test_ratio_e2e(benchmark, phone):
    s = session("fp32")
    with vp.Identifier() as ident:
        a = ident.identify(phone)
        naive_top = _naive(s, phone)
        med = benchmark.pedantic(interleaved, args=(
            {"valuepix_int8": lambda: ident.identify(phone), "naive_pillow_fp32": lambda: _naive(s, phone)}, 10),
            rounds=1, iterations=1)
    speedup = med["naive_pillow_fp32"] / med["valuepix_int8"]
    benchmark.extra_info.update(images=1, pixels=4032 * 3024, median_ms=med, speedup=speedup,
                                same_top1=bool(a.labels[0].index == naive_top[0]))
    print(f"\n12 MP e2e medians (ms): {med}; speedup = {speedup:.2f}x; top-1 {a.labels[0].name!r}")


# ----------------------------------------------------------------------------------- memory
def peak_rss_mb(cmd: list[str]) -> float:
    """Peak RSS of ``cmd`` alone: a fresh wrapper process whose only child is the command."""
    wrapper = ("import resource, subprocess, sys; "
               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True)
    rc, kb = out.stdout.split()
    assert rc == "0", out
    return int(kb) / 1024


@pytest.mark.parametrize("variant", ["int8", "ort", "fp32"])
def test_rss_cli(benchmark, variant, tmp_path):
    photo = tmp_path / "one.jpg"
    photo.write_bytes(phone_jpeg(sample_photo()))
    photo_small = tmp_path / "small.jpg"
    photo_small.write_bytes(sample_photo().read_bytes())
    cmd = [sys.executable, "-m", "valuepix_core.cli", "identify", "--variant", variant, "--json"]
    res = benchmark.pedantic(lambda: {"photo": peak_rss_mb(cmd + [str(photo_small)]),
                                      "phone_12mp": peak_rss_mb(cmd + [str(photo)])},
                             rounds=1, iterations=1)
    base = peak_rss_mb([sys.executable, "-c", "import valuepix_core.cli, numpy, PIL.Image, onnxruntime"])
    benchmark.extra_info.update(images=1, variant=variant, peak_rss_mb=res, imports_only_mb=base,
                                pixels=Image.open(photo_small).size[0] * Image.open(photo_small).size[1])
    print(f"\npeak RSS valuepix identify --variant {variant}: {res} MB (imports alone {base:.1f} MB)")
