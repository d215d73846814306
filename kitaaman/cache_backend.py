"""The Redis cache, failing soft: a cache that cannot answer is a cache miss.

Nothing the portal keeps in the cache is the only copy of anything: public
answers, desk counts and place names are rebuilt from the database, and the
rate limiter has a local fallback (kitaaman.ratelimit). So when Redis is
stopped, refuses connections, or accepts them and never answers, every cache
call here gives up within the socket timeouts (a few hundred milliseconds,
settings CACHE_CONNECT_TIMEOUT / CACHE_SOCKET_TIMEOUT) and answers like an
empty cache: `get` the default, `add` False, `set` and `delete` nothing,
`incr` "no such key" (ValueError, as Django's API says for a missing key).

After a failure the process leaves Redis alone for CACHE_RETRY_SECONDS, so a
Redis that hangs costs one timeout per process every few seconds, not one per
cache call. Callers that must know (the limiter, the readiness check) use
`run`, which raises CacheUnavailable instead.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_state_lock = threading.Lock()
# Cache location -> monotonic time until which Redis is not asked (per process:
# Django makes one backend object per thread, this holds for all of them).
_resting_until: dict[str, float] = {}


class CacheUnavailable(Exception):
    """Redis did not answer in time, refused, or answered with an error."""


def _failure_types() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Short timeouts and no retries unless the settings say otherwise:
        # a request must not wait seconds for a cache.
        self._options = {
            "socket_connect_timeout": getattr(settings, "CACHE_CONNECT_TIMEOUT", 0.3),
            "socket_timeout": getattr(settings, "CACHE_SOCKET_TIMEOUT", 0.3),
            **self._options,
        }
        self._location = ",".join(self._servers)

    # -- the breaker -------------------------------------------------------

    def resting(self) -> bool:
        """True while this process leaves Redis alone after a failure."""
        return _resting_until.get(self._location, 0.0) > time.monotonic()

    def _failed(self, exc) -> None:
        rest = getattr(settings, "CACHE_RETRY_SECONDS", 5)
        with _state_lock:
            was_resting = self.resting()
            _resting_until[self._location] = time.monotonic() + rest
        if not was_resting:
            logger.warning("cache unavailable, working without it for %ss: %r", rest, exc)

    def run(self, call, *, probe=False):
        """call(client) against Redis, or CacheUnavailable (at once while resting;
        `probe` asks even then, for the readiness check)."""
        if not probe and self.resting():
            raise CacheUnavailable("resting after a failure")
        try:
            answer = call(self._cache.get_client(None, write=True))
        except _failure_types() as exc:
            self._failed(exc)
            raise CacheUnavailable(str(exc)) from exc
        if probe:
            # Redis is back: every call may use it again at once.
            with _state_lock:
                _resting_until.pop(self._location, None)
        return answer

    def _soft(self, method, fallback, *args, **kwargs):
        if self.resting():
            return fallback
        try:
            return method(*args, **kwargs)
        except _failure_types() as exc:
            self._failed(exc)
            return fallback

    # -- Django's cache API ------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._soft(super().incr, missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = list(data)
        return self._soft(super().set_many, failed, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft(super().delete_many, None, keys, version)

    def clear(self):
        return self._soft(super().clear, False)


def forget_failures() -> None:
    """Ask Redis again at once (tests; an operator after a repair need not: it
    happens by itself after CACHE_RETRY_SECONDS)."""
    with _state_lock:
        _resting_until.clear()
