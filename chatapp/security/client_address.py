"""The client's IP address, for per-address limits, in HTTP views and socket handlers alike."""
from __future__ import annotations

from flask import current_app, request


def client_ip() -> str | None:
    """``REMOTE_ADDR``, or with ``PROXY_COUNT`` trusted proxies in front, the address the
    outermost of them saw (X-Forwarded-For, counted from the right so clients cannot forge it)."""
    proxies = current_app.config["PROXY_COUNT"]
    if proxies:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        if len(hops) >= proxies and hops[-proxies]:
            return hops[-proxies]
    return request.remote_addr
