"""The ``valuepix`` command line.  Thin: every subcommand only adapts library calls.

Each subcommand lives in its own module exposing ``register(subparsers)``; the module list below is
the single place that wires them together.  Modules are imported lazily by ``main`` so that
``valuepix --help`` stays fast and a missing optional dependency breaks only its own subcommand.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import ValuePixError

# subcommand modules (valuepix_core.cli.<name>), in --help order
_SUBCOMMANDS = ("identify", "preprocess_cmd", "catalog", "dictate", "models", "serve", "bench")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(prog="valuepix", description="ValuePix inference core")
    parser.add_argument("--version", action="version", version=f"valuepix_core {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _SUBCOMMANDS:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # subcommand not built yet / optional dependency missing
            if exc.name and exc.name.startswith(__name__):
                continue
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ValuePixError as exc:
        print(f"valuepix: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
