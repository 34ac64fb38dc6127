"""Prometheus metrics of one app instance (its own registry, so several apps may share a process).

  valuepix_requests_total{route,method,status}          requests finished
  valuepix_errors_total{route,kind}                     problem responses (kind = problem type)
  valuepix_request_seconds{route,method}                latency histogram per route
  valuepix_stage_seconds{stage}                         identify stages: queue, preprocess,
                                                        inference, postprocess, match; dictation feed
  valuepix_batch_size                                   images per onnxruntime run
  valuepix_inflight_requests                            requests being served
  valuepix_dictation_sessions                           open WebSocket dictation sessions
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self):
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("valuepix_requests", "HTTP requests finished", ["route", "method", "status"],
                                registry=r)
        self.errors = Counter("valuepix_errors", "Problem responses by kind", ["route", "kind"], registry=r)
        self.latency = Histogram("valuepix_request_seconds", "Request latency per route", ["route", "method"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.stage = Histogram("valuepix_stage_seconds", "Time per pipeline stage", ["stage"],
                               buckets=STAGE_BUCKETS, registry=r)
        self.batch_size = Histogram("valuepix_batch_size", "Images per onnxruntime run", buckets=BATCH_BUCKETS,
                                    registry=r)
        self.inflight = Gauge("valuepix_inflight_requests", "Requests being served", registry=r)
        self.dictation_sessions = Gauge("valuepix_dictation_sessions", "Open dictation WebSockets", registry=r)

    def observe_identify(self, timings_ms, queue_ms: float) -> None:
        self.stage.labels("queue").observe(queue_ms / 1e3)
        for stage in ("preprocess", "inference", "postprocess"):
            if stage in timings_ms:
                self.stage.labels(stage).observe(timings_ms[stage] / 1e3)

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.stage.labels("batch_run").observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
