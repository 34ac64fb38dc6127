"""``MicroBatcher``: concurrent identify requests -> one ``Identifier.identify_batch`` call.

Requests wait in a queue; a worker thread takes the first one, then keeps collecting until the
batch holds ``max_batch`` sources or ``max_wait_s`` has passed since the first one was queued, and
hands the batch to ``identify_batch`` (one onnxruntime run).  While the worker is busy, requests
pile up, so under load batches form without waiting; alone, a request waits at most ``max_wait_s``.

A batch that fails (one undecodable photo fails ``identify_batch`` as a whole) is retried one
source at a time so every request gets its own result or its own error.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
import time
from dataclasses import dataclass

from ...errors import ValuePixError

log = logging.getLogger("valuepix.service.batching")

_STOP = object()


@dataclass
class _Job:
    source: object
    future: concurrent.futures.Future
    queued: float


@dataclass(frozen=True)
class BatchInfo:
    """What the batcher adds to a result: time spent queued and the size of the batch it ran in."""

    queue_ms: float
    batch_size: int


class MicroBatcher:
    def __init__(self, identifier, max_batch: int = 16, max_wait_s: float = 0.005, workers: int = 1,
                 on_batch=None):
        self._ident = identifier
        self.max_batch = int(max_batch)
        self.max_wait_s = float(max_wait_s)
        self._on_batch = on_batch  # callback(batch_size, seconds) for metrics
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._run, name=f"valuepix-batcher-{i}", daemon=True)
                         for i in range(int(workers))]
        self._closed = False
        for t in self._threads:
            t.start()

    def submit(self, source) -> concurrent.futures.Future:
        """Queue one source; the future resolves to ``(IdentifyResult, BatchInfo)``."""
        if self._closed:
            raise ValuePixError("the batcher is closed")
        fut: concurrent.futures.Future = concurrent.futures.Future()
        self._q.put(_Job(source, fut, time.perf_counter()))
        return fut

    async def identify(self, source):
        return await asyncio.wrap_future(self.submit(source))

    def close(self, timeout: float = 5.0) -> None:
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._q.put(_STOP)
        for t in self._threads:
            t.join(timeout)

    # -- worker ------------------------------------------------------------------------------
    def _collect(self, first: _Job) -> tuple[list[_Job], bool]:
        batch = [first]
        deadline = first.queued + self.max_wait_s
        while len(batch) < self.max_batch:
            remaining = deadline - time.perf_counter()
            try:
                job = self._q.get(timeout=remaining) if remaining > 0 else self._q.get_nowait()
            except queue.Empty:
                break
            if job is _STOP:
                return batch, True
            batch.append(job)
        return batch, False

    def _run(self) -> None:
        while True:
            first = self._q.get()
            if first is _STOP:
                return
            batch, stop = self._collect(first)
            self._execute(batch)
            if stop:
                return

    def _execute(self, batch: list[_Job]) -> None:
        live = [j for j in batch if j.future.set_running_or_notify_cancel()]
        if not live:
            return
        t0 = time.perf_counter()
        try:
            results = self._ident.identify_batch([j.source for j in live])
        except Exception as exc:  # noqa: BLE001 - isolate the bad source(s)
            if len(live) == 1:
                live[0].future.set_exception(exc)
            else:
                for j in live:
                    try:
                        r = self._ident.identify(j.source)
                    except Exception as one:  # noqa: BLE001
                        j.future.set_exception(one)
                    else:
                        j.future.set_result((r, BatchInfo((t0 - j.queued) * 1e3, 1)))
            return
        finally:
            if self._on_batch is not None:
                try:
                    self._on_batch(len(live), time.perf_counter() - t0)
                except Exception:  # pragma: no cover - metrics must never break inference
                    log.exception("batch metrics callback failed")
        for j, r in zip(live, results):
            j.future.set_result((r, BatchInfo((t0 - j.queued) * 1e3, len(live))))


class DirectRunner:
    """No batching: each request calls ``Identifier.identify`` on the server's thread pool."""

    def __init__(self, identifier):
        self._ident = identifier

    async def identify(self, source):
        from starlette.concurrency import run_in_threadpool

        t0 = time.perf_counter()

        def call():
            t1 = time.perf_counter()
            return self._ident.identify(source), BatchInfo((t1 - t0) * 1e3, 1)

        return await run_in_threadpool(call)

    def close(self, timeout: float = 5.0) -> None:
        pass
