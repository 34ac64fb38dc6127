"""Ray Serve deployment of the ValuePix service: the same ASGI app as ``valuepix serve``, one copy
per replica, behind Ray Serve's HTTP proxy (routing, replica autoscaling, multi-node).

    # one machine / an existing cluster (RAY_ADDRESS), 2 replicas of 1 CPU each:
    serve run deploy.ray_serve:app replicas=2 catalog=/data/catalog.sqlite
    # or from Python
    from deploy.ray_serve import deployment
    serve.run(deployment(ServiceConfig(catalog="/data/catalog.sqlite"), num_replicas=2).bind())

Each replica builds the app with ``create_app(config)`` on the replica (the builder form of
``serve.ingress``: nothing unpicklable crosses the cluster) and Ray Serve runs the app's lifespan,
so models load per replica and ``/readyz`` answers per replica.  The micro-batcher stays inside
each replica (it batches that replica's concurrent requests); Ray's ``@serve.batch`` is not needed.

Notes:
* Catalog: every replica opens the same SQLite file (WAL; reads from many processes are safe).  The
  in-memory search index of a replica does not see items another replica adds, so with more than
  one replica treat the catalog as read-only (import offline, or route writes to a separate
  single-replica deployment and restart readers).
* Metrics: ``/metrics`` is per replica (each has its own registry); scrape replicas, or use Ray's
  own Prometheus metrics for cluster totals.
* WebSockets (``/v1/dictate``) pass through Ray Serve's proxy.
"""
from __future__ import annotations

from ray import serve

from valuepix_core.adapters.http import ServiceConfig, create_app


def deployment(config: ServiceConfig | None = None, *, num_replicas: int = 1, num_cpus: float = 1.0,
               max_ongoing_requests: int = 64, name: str = "valuepix"):
    """A Ray Serve deployment class serving ``create_app(config)`` (call ``.bind()`` on it)."""
    cfg = config or ServiceConfig()

    def build_app():
        return create_app(cfg)

    @serve.deployment(name=name, num_replicas=num_replicas, ray_actor_options={"num_cpus": num_cpus},
                      max_ongoing_requests=max_ongoing_requests)
    @serve.ingress(build_app)
    class ValuePixService:
        pass

    return ValuePixService


_INT = {"replicas", "max_batch", "threads", "top_k", "max_body_bytes", "max_pixels", "batch_workers"}


def app(args: dict):
    """Application builder for ``serve run deploy.ray_serve:app key=value ...``: ``replicas``,
    ``num_cpus`` and any :class:`ServiceConfig` field (``catalog``, ``token``, ``vosk_model``,
    ``batching``, ``max_batch``, ``max_wait_ms``...)."""
    args = dict(args or {})
    replicas = int(args.pop("replicas", 1))
    num_cpus = float(args.pop("num_cpus", 1.0))
    kw = {}
    for k, v in args.items():
        if k in _INT:
            v = int(v)
        elif k == "max_wait_ms":
            v = float(v)
        elif k in ("batching", "dictation"):
            v = str(v).lower() in ("1", "true", "yes", "on")
        kw[k] = v
    return deployment(ServiceConfig(**kw), num_replicas=replicas, num_cpus=num_cpus).bind()
