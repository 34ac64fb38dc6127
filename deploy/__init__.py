"""Deployment recipes that wrap the same ASGI app (valuepix_core.adapters.http) in existing engines."""
