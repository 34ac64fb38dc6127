"""HTTP service load test: identify requests at fixed concurrency against real ``valuepix serve``
processes, micro-batching vs no batching measured side by side (interleaved rounds, one run).

    python benchmarks/bench_service.py --requests 2000 --concurrency 32 --rounds 8 \
        --config batch:--max-batch=16,--max-wait-ms=5 --config nobatch:--no-batching

Each ``--config NAME:FLAGS`` (comma-separated ``valuepix serve`` flags) starts one server process
(dictation off, no catalog).  Rounds alternate A, B, A, B, ... so both see the same machine load;
every config gets ``--requests`` requests in total.  Prints p50 / p95 latency, throughput, 5xx
count and the batch-size histogram from /metrics per config, plus throughput ratios to the first
config; ``--json`` writes them.  Also a pytest-benchmark case (``test_service_load``) so
``valuepix bench`` can chart it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PHOTOS = [REPO / "examples" / "coffee.jpg", REPO / "examples" / "chelsea.jpg"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    def __init__(self, flags: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "valuepix_core.cli", "serve", "--port", str(self.port), "--no-dictation",
               "--log-level", "warning", *flags]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env={**os.environ, "VALUEPIX_TOKEN": ""})

    def wait_ready(self, timeout: float = 180) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server not ready in time")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def load(url: str, n: int, concurrency: int, bodies: list[bytes]) -> dict:
    import httpx

    lat: list[float] = []
    statuses: list[int] = []
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as ac:
        async def one(i):
            async with sem:
                t = time.perf_counter()
                try:
                    r = await ac.post("/v1/identify?match=false", content=bodies[i % len(bodies)])
                    statuses.append(r.status_code)
                except httpx.HTTPError:
                    statuses.append(599)
                lat.append(time.perf_counter() - t)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - t0
    return {"latencies": lat, "statuses": statuses, "wall": wall}


def batch_hist(url: str) -> dict:
    import httpx

    out = {}
    for line in httpx.get(url + "/metrics").text.splitlines():
        if line.startswith("valuepix_batch_size_count") or line.startswith("valuepix_batch_size_sum"):
            out[line.split()[0].rsplit("_", 1)[-1]] = float(line.split()[-1])
    return out


def summarise(name: str, runs: list[dict], url: str) -> dict:
    lat = [x for r in runs for x in r["latencies"]]
    st = [x for r in runs for x in r["statuses"]]
    wall = sum(r["wall"] for r in runs)
    q = statistics.quantiles(lat, n=100)
    h = batch_hist(url)
    return {"config": name, "requests": len(st), "ok": st.count(200), "5xx": sum(1 for s in st if s >= 500),
            "p50_ms": statistics.median(lat) * 1e3, "p95_ms": q[94] * 1e3, "p99_ms": q[98] * 1e3,
            "throughput_rps": len(st) / wall, "wall_s": wall,
            "mean_batch": (h.get("sum", 0) / h["count"]) if h.get("count") else None}


def run(configs: list[tuple[str, list[str]]], requests: int, concurrency: int, rounds: int) -> list[dict]:
    bodies = [p.read_bytes() for p in PHOTOS]
    servers = [(name, ServeProcess(flags)) for name, flags in configs]
    try:
        for _, s in servers:
            s.wait_ready()
        for _, s in servers:  # warm-up (first-call costs, connection pools)
            asyncio.run(load(s.url, 2 * concurrency, concurrency, bodies))
        per = max(1, requests // rounds)
        results: dict[str, list[dict]] = {name: [] for name, _ in servers}
        for rnd in range(rounds):
            order = servers if rnd % 2 == 0 else servers[::-1]
            for name, s in order:
                results[name].append(asyncio.run(load(s.url, per, concurrency, bodies)))
        return [summarise(name, results[name], s.url) for name, s in servers]
    finally:
        for _, s in servers:
            s.close()


def parse_config(text: str) -> tuple[str, list[str]]:
    name, _, flags = text.partition(":")
    return name, [f for f in flags.split(",") if f]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests per config (default 2000)")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=8, help="interleaved rounds (default 8)")
    ap.add_argument("--config", action="append", type=parse_config,
                    help="NAME:comma,separated,serve,flags (default: batch vs nobatch)")
    ap.add_argument("--json", default=None, help="write the summary here")
    a = ap.parse_args(argv)
    configs = a.config or [("batch", ["--max-batch=16", "--max-wait-ms=5"]), ("nobatch", ["--no-batching"])]
    out = run(configs, a.requests, a.concurrency, a.rounds)
    base = out[0]["throughput_rps"]
    print(f"| config | requests | 5xx | p50 ms | p95 ms | p99 ms | req/s | mean batch | throughput vs {out[0]['config']} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in out:
        mb = f"{r['mean_batch']:.1f}" if r["mean_batch"] else "-"
        print(f"| {r['config']} | {r['requests']} | {r['5xx']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
              f"{r['p99_ms']:.0f} | {r['throughput_rps']:.1f} | {mb} | {r['throughput_rps'] / base:.2f}x |")
    if a.json:
        Path(a.json).write_text(json.dumps({"concurrency": a.concurrency, "rounds": a.rounds,
                                            "results": out}, indent=2))
    return 0 if all(r["5xx"] == 0 for r in out) else 1


# ------------------------------------------------------------------- pytest-benchmark case
def test_service_load(benchmark):
    """One small interleaved batch-vs-nobatch run; extra_info carries the figures for the report."""
    res = benchmark.pedantic(run, args=([("batch", ["--max-batch=16"]), ("nobatch", ["--no-batching"])],
                                        256, 32, 2), rounds=1, iterations=1)
    by = {r["config"]: r for r in res}
    benchmark.group = "service_load_32"
    benchmark.extra_info.update({
        "impl": "valuepix", "requests": 256,
        **{f"{k}_{m}": by[k][m] for k in by for m in ("throughput_rps", "p50_ms", "p95_ms", "5xx")},
        "ratio_batch_vs_nobatch": by["batch"]["throughput_rps"] / by["nobatch"]["throughput_rps"]})
    assert all(r["5xx"] == 0 for r in res)


if __name__ == "__main__":
    sys.exit(main())
