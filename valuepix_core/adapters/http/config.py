"""``ServiceConfig``: the frozen settings of one service instance (CLI flags map onto it 1:1)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InvalidArgumentError

MiB = 1024 * 1024


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of the HTTP service.

    catalog          SQLite catalog path (":memory:" works); None: no catalog routes / no valuation.
    vosk_model       Vosk model directory; None: the library's default lookup ($VALUEPIX_VOSK_MODEL,
                     an installed ``vosk_model_*`` package); dictation is disabled if none is found.
    dictation        False: no /v1/dictate (and no Vosk model is loaded).
    token            With a token every /v1 route needs ``Authorization: Bearer <token>``.
    model / variant / threads   the Identifier's model, variant and onnxruntime intra-op threads.
    top_k            labels the Identifier computes (a request may ask for fewer).
    max_body_bytes   largest image upload (raw body or whole multipart body); enforced while the
                     body streams.  max_json_bytes: largest JSON body.
    max_pixels       largest decoded image (width x height) an upload may declare.
    batching         micro-batch concurrent identify calls into one onnxruntime run.
    max_batch / max_wait_ms / batch_workers   the micro-batcher's limits and worker threads.
    ws_max_message_bytes   largest WebSocket message (a PCM frame).
    """

    catalog: str | None = None
    vosk_model: str | None = None
    dictation: bool = True
    token: str | None = None
    model: str | None = None
    variant: str = "int8"
    threads: int = 1
    top_k: int = 5
    max_body_bytes: int = 16 * MiB
    max_json_bytes: int = 1 * MiB
    max_pixels: int = 50_000_000
    batching: bool = True
    max_batch: int = 16
    max_wait_ms: float = 5.0
    batch_workers: int = 1
    ws_max_message_bytes: int = 1 * MiB
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for name in ("threads", "top_k", "max_body_bytes", "max_json_bytes", "max_pixels", "max_batch",
                     "batch_workers", "ws_max_message_bytes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidArgumentError(f"{name} must be an int >= 1, got {v!r}")
        if not isinstance(self.max_wait_ms, (int, float)) or isinstance(self.max_wait_ms, bool) \
                or not 0 <= self.max_wait_ms <= 1000:
            raise InvalidArgumentError(f"max_wait_ms must be in [0, 1000], got {self.max_wait_ms!r}")
        if self.token is not None and (not isinstance(self.token, str) or not self.token.strip()):
            raise InvalidArgumentError("token must be a non-empty string or None")
        for name in ("catalog", "vosk_model", "model"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, os.fspath(v) if isinstance(v, Path) else str(v))
