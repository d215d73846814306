"""Request helpers shared by every app."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted
    proxies the address they saw (never a client-supplied header beyond that)."""
    if request is None:
        return None

    meta = getattr(request, "META", {})
    candidate = meta.get("REMOTE_ADDR")
    proxies = getattr(settings, "REST_FRAMEWORK", {}).get("NUM_PROXIES") or 0
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None
