"""The portal's one rate limiter: sliding windows, spent atomically.

Pages and API views share it, so a limit holds whatever door a visitor uses
(the tracking page and the tracking API count in one bucket). Rates are read
from REST_FRAMEWORK's DEFAULT_THROTTLE_RATES ("10/hour", "120/minute") on
every call, so a changed setting applies at once.

A rate of N per T seconds means no more than N in ANY T seconds (a sliding
log of the accepted requests' times), so a visitor cannot get 2N across the
boundary of two fixed windows. Checking and counting is one step (a Lua
script in Redis, a lock in the local store): N concurrent requests against
a limit of N-1 let exactly N-1 through. A hold that turns out not to count
(a refused report, a resend) is given back with `Hold.release`.

Where the counts live: with CACHE_URL pointing at Redis
(kitaaman.cache_backend.FailSoftRedisCache), in Redis, shared by every web
process. Without it, or while Redis cannot answer, in this process
(LocalWindows: at most LOCAL_MAX_BUCKETS buckets, least recently used
dropped first): the limit then holds per process, so an outage multiplies it
by the number of web processes at most, and is never a free-for-all.

A limiter is not a security control on its own (reliability notes): the
reverse proxy should rate-limit per address too (README).
"""

import ipaddress
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from kitaaman.cache_backend import CacheUnavailable, FailSoftRedisCache
from kitaaman.http import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Each bucket keeps at most its count of timestamps (8-byte floats): 5,000
# full buckets of 200 take about 35 MB.
LOCAL_MAX_BUCKETS = 5_000


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
    "token": "20/hour",
    "device_token": "200/hour",
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

    def rate(self) -> Rate:
        return self.limit or rate(self.scope)

    @property
    def key(self) -> str:
        return f"kitaaman:rl:{self.scope}:{self.ident}"

    def take(self) -> int:
        """Count one if there is room: 0; else the seconds to wait, and nothing is counted."""
        return hold_all([self]).wait


@dataclass
class Hold:
    """Room taken in some buckets at once (wait == 0), or the seconds until
    there is room in all of them (nothing taken). `release` gives the room
    back unless `keep` was called; as a context manager it releases on the
    way out, so an early return or an exception never costs the visitor.
    `entry` is what the store needs to find the room again."""

    buckets: tuple
    wait: int
    entry: object = None
    store: object = None
    kept: bool = field(default=False)

    def keep(self) -> None:
        self.kept = True

    def release(self) -> None:
        if self.entry is not None and not self.kept:
            entry, self.entry = self.entry, None
            try:
                self.store.release(self.buckets, entry)
            except CacheUnavailable:
                pass  # the entry leaves the window by itself

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
        return False


def hold_all(buckets) -> Hold:
    """Take room for one in every bucket, or in none (the longest wait)."""
    buckets = tuple(buckets)
    if not buckets:
        return Hold(buckets, 0)
    wait, entry, store = _store_call(lambda store: (*store.acquire(buckets), store))
    return Hold(buckets, wait, entry, store)


# -- where the counts live ---------------------------------------------------


class LocalWindows:
    """Sliding logs in this process: the store without Redis, and the fallback
    while Redis cannot answer."""

    def __init__(self, max_buckets: int = LOCAL_MAX_BUCKETS, clock=time.time):
        self.max_buckets = max_buckets
        self.clock = clock
        self._lock = threading.Lock()
        self._logs: OrderedDict[str, deque] = OrderedDict()

    def _log(self, key: str, now: float, seconds: int) -> deque:
        log = self._logs.get(key)
        if log is None:
            log = self._logs[key] = deque()
            while len(self._logs) > self.max_buckets:
                self._logs.popitem(last=False)
        else:
            self._logs.move_to_end(key)
        while log and log[0] <= now - seconds:
            log.popleft()
        return log

    def acquire(self, buckets) -> tuple[int, float | None]:
        """(0, the entry's time) when room was taken in every bucket; else (wait, None)."""
        with self._lock:
            now = self.clock()
            wait = 0.0
            logs = []
            for bucket in buckets:
                limit = bucket.rate()
                log = self._log(bucket.key, now, limit.seconds)
                logs.append(log)
                if limit.count <= 0:
                    wait = max(wait, limit.seconds)
                elif len(log) >= limit.count:
                    # Room comes when the entry `count` places from the end leaves the window.
                    wait = max(wait, log[-limit.count] + limit.seconds - now)
            if wait > 0:
                return max(1, int(wait + 0.999)), None
            for log in logs:
                log.append(now)
            return 0, now

    def release(self, buckets, entry: float) -> None:
        with self._lock:
            for bucket in buckets:
                log = self._logs.get(bucket.key)
                if log is not None and entry in log:
                    log.remove(entry)

    def clear(self) -> None:
        with self._lock:
            self._logs.clear()

    def buckets(self) -> int:
        """How many buckets are kept."""
        return len(self._logs)

    def used(self, bucket) -> int:
        """What is counted in a bucket (expired entries included until its next use)."""
        return len(self._logs.get(bucket.key, ()))


# KEYS: the buckets' keys. ARGV: the member to add, then count and window (ms)
# per key. Returns 0 (room taken in every bucket) or the wait in ms (nothing taken).
ACQUIRE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if count <= 0 then
    wait = math.max(wait, window)
  elseif redis.call('ZCARD', key) >= count then
    local edge = redis.call('ZRANGE', key, -count, -count, 'WITHSCORES')
    wait = math.max(wait, tonumber(edge[2]) + window - now)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""


class RedisWindows:
    """Sliding logs in Redis (a sorted set per bucket), shared by every process."""

    def __init__(self, backend: FailSoftRedisCache):
        self.backend = backend

    def acquire(self, buckets) -> tuple[int, str | None]:
        """(0, the entry's member) when room was taken in every bucket; else (wait, None)."""
        member = f"{time.time_ns()}:{uuid.uuid4().hex[:12]}"
        keys = [self.backend.make_key(b.key) for b in buckets]
        args = [member]
        for bucket in buckets:
            limit = bucket.rate()
            args += [limit.count, limit.seconds * 1000]
        wait_ms = self.backend.run(lambda client: client.eval(ACQUIRE_SCRIPT, len(keys), *keys, *args))
        if wait_ms:
            return max(1, (int(wait_ms) + 999) // 1000), None
        return 0, member

    def release(self, buckets, member) -> None:
        keys = [self.backend.make_key(b.key) for b in buckets]

        def remove(client):
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.zrem(key, member)
            pipe.execute()

        self.backend.run(remove)


local_windows = LocalWindows()


def _store_call(call):
    backend = caches["default"]
    if isinstance(backend, FailSoftRedisCache):
        try:
            return call(RedisWindows(backend))
        except CacheUnavailable:
            # Counted here until Redis answers again (kitaaman.cache_backend).
            pass
    return call(local_windows)


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
