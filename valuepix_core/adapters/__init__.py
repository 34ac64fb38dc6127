"""Thin adapters over the library: the HTTP service (``adapters.http``).  The CLI lives in
``valuepix_core.cli``.  Adapters add transport concerns only (limits, auth, problem details,
metrics, batching of concurrent calls); every decision about images, items or audio is the
library's."""
