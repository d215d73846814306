"""The portal's one rate limiter: fixed-window counters in the cache.

Pages and API views share it, so a limit holds whatever door a visitor uses
(the tracking page and the tracking API count in one bucket). With CACHE_URL
pointing at Redis the counts hold across web processes; with the local-memory
cache only within one. Rates are read from REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES ("10/hour", "120/minute") on every call, so a changed
setting applies at once.

A limiter is not a security control on its own (reliability notes): the
reverse proxy should rate-limit per address too (README).
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from kitaaman.http import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        count, _slash, period = str(text).partition("/")
        return cls(int(count), PERIODS.get(period.strip()[:1], 3600))


# Used for a scope the settings leave out (a deployment that overrides only some).
DEFAULT_RATES = {
    "report_submit": "10/hour",
    "report_address": "200/hour",
    "track": "120/hour",
    "open311": "120/hour",
}


def rate(scope: str) -> Rate:
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    text = rates.get(scope) or DEFAULT_RATES.get(scope)
    if not text:
        raise ImproperlyConfigured(f"No throttle rate for scope {scope!r}")
    return Rate.parse(text)


def address_key(request) -> str:
    """Whose address: the client's (behind NUM_PROXIES proxies, the one they
    saw). An IPv6 client is keyed by its /64, which one subscriber gets whole:
    otherwise every request could come from a fresh address of the same line."""
    ip = client_ip(request)
    if not ip:
        return "unknown"
    parsed = ipaddress.ip_address(ip)
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(parsed)


@dataclass(frozen=True)
class Bucket:
    scope: str
    ident: str
    # A rate of its own, for limits set outside DEFAULT_THROTTLE_RATES.
    limit: Rate | None = None

    def _rate(self) -> Rate:
        return self.limit or rate(self.scope)

    def _key(self, window_start: int) -> str:
        return f"kitaaman:rl:{self.scope}:{self.ident}:{window_start}"

    def _window(self, seconds: int) -> tuple[int, int]:
        now = int(time.time())
        start = now - now % seconds
        return start, start + seconds - now

    def wait(self) -> int:
        """0 when there is room for one more; else seconds until there is."""
        limit = self._rate()
        start, remaining = self._window(limit.seconds)
        used = cache.get(self._key(start), 0)
        return 0 if used < limit.count else max(1, remaining)

    def spend(self) -> int:
        """Count one; returns the count in this window."""
        limit = self._rate()
        start, _remaining = self._window(limit.seconds)
        key = self._key(start)
        cache.add(key, 0, timeout=limit.seconds + 60)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds + 60)
            return 1

    def take(self) -> int:
        """Count one if there is room: 0, or the seconds to wait (nothing counted)."""
        wait = self.wait()
        if not wait:
            self.spend()
        return wait


def wait_for(buckets) -> int:
    """The longest wait among full buckets (0: every bucket has room)."""
    return max((b.wait() for b in buckets), default=0)


class AddressThrottle(BaseThrottle):
    """A DRF throttle on this limiter: one hit per request per client address.
    Subclasses set `scope`; a page counts in the same bucket with
    `Bucket(scope, address_key(request)).take()`."""

    scope = ""

    def allow_request(self, request, view):
        self._wait = Bucket(self.scope, address_key(request)).take()
        return not self._wait

    def wait(self):
        return self._wait
