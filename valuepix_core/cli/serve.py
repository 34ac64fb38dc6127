"""``valuepix serve`` — run the HTTP service (valuepix_core.adapters.http) on uvicorn."""
from __future__ import annotations

import argparse
import logging
import os


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="run the HTTP service (identify, catalog, dictation WebSocket, metrics)",
        description="Serve POST /v1/identify, /v1/catalog/items, POST /v1/catalog/match, WS /v1/dictate "
                    "(vosk-server protocol), /healthz, /readyz, /metrics and /openapi.json on uvicorn. "
                    "Needs the 'serve' extra: pip install 'valuepix_core[serve]'.")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free port)")
    p.add_argument("--catalog", default=None, metavar="PATH",
                   help="SQLite catalog for matching and valuation (default: none)")
    p.add_argument("--vosk-model", default=None, metavar="DIR",
                   help="Vosk model directory for /v1/dictate (default: $VALUEPIX_VOSK_MODEL or an "
                        "installed vosk_model_* package)")
    p.add_argument("--no-dictation", action="store_true", help="disable /v1/dictate (no Vosk model loaded)")
    p.add_argument("--token", default=None,
                   help="require 'Authorization: Bearer TOKEN' on /v1 routes (default: $VALUEPIX_TOKEN; "
                        "prefer the variable: arguments are visible to other local users)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    p.add_argument("--variant", choices=("int8", "fp32", "ort"), default="int8", help="model variant")
    p.add_argument("--model", default=None, help="model name, directory or manifest.json (default: bundled)")
    p.add_argument("--no-batching", action="store_true", help="one onnxruntime call per request")
    p.add_argument("--max-batch", type=int, default=16, help="largest micro-batch (default 16)")
    p.add_argument("--max-wait-ms", type=float, default=5.0,
                   help="longest a request waits for a batch to fill (default 5 ms)")
    p.add_argument("--batch-workers", type=int, default=1, help="micro-batch worker threads (default 1)")
    p.add_argument("--max-body-mb", type=float, default=16.0, help="largest upload in MiB (default 16)")
    p.add_argument("--max-pixels", type=int, default=50_000_000, help="largest image in pixels (default 50M)")
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(func=run)


def build_config(args: argparse.Namespace):
    from ..adapters.http.config import ServiceConfig

    return ServiceConfig(
        catalog=args.catalog, vosk_model=args.vosk_model, dictation=not args.no_dictation,
        token=args.token or os.environ.get("VALUEPIX_TOKEN") or None, model=args.model,
        variant=args.variant, threads=args.threads, batching=not args.no_batching, max_batch=args.max_batch,
        max_wait_ms=args.max_wait_ms, batch_workers=args.batch_workers,
        max_body_bytes=int(args.max_body_mb * 1024 * 1024), max_pixels=args.max_pixels)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..adapters.http import create_app
    except ImportError as exc:
        from ..errors import ValuePixError

        raise ValuePixError(f"valuepix serve needs the 'serve' extra ({exc.name} is missing): "
                            "pip install 'valuepix_core[serve]'") from None
    config = build_config(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                ws_max_size=config.ws_max_message_bytes, access_log=False, server_header=False)
    return 0
