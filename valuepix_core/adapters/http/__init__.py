"""The ValuePix HTTP service: an ASGI app (Starlette) over Identifier, Catalog and Dictation.

Modules, each owning one thing:
  app         create_app(ServiceConfig) -> ASGI app; the routes (thin mapping to library calls)
  config      ServiceConfig (frozen, validated)
  batching    MicroBatcher: concurrent identify requests -> one Identifier.identify_batch call
  limits      body limits enforced while the body streams; in-memory multipart; pixel probe
  problems    RFC 7807 problem details; library exception -> HTTP status
  middleware  request ids, bearer-token auth, request metrics (pure ASGI)
  metrics     Prometheus counters / histograms (per app registry)
  dictate_ws  WS /v1/dictate speaking the vosk-server protocol
  openapi     the hand-written OpenAPI 3.1 document served at /openapi.json

Needs the optional ``serve`` dependencies (starlette, uvicorn, python-multipart, prometheus-client).
"""
from .config import ServiceConfig

__all__ = ["ServiceConfig", "create_app"]


def create_app(config: ServiceConfig | None = None, **kw):
    """Build the ASGI app (models load in the app's lifespan startup)."""
    from .app import create_app as _create

    return _create(config, **kw)
