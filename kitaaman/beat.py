"""Celery beat that says it is alive, so `manage.py deploy_check` can tell
whether exactly one beat runs.

Every beat process (settings.CELERY_BEAT_SCHEDULER) writes a key of its own,
`kitaaman:beat:<host>:<pid>`, to the broker's Redis at most every
HEARTBEAT_SECONDS, living HEARTBEAT_TTL_SECONDS: no key means no beat, two
keys mean two beats (each would send every scheduled task). A Redis that does
not answer costs the beat nothing: the heartbeat is skipped and the schedule
runs on.
"""

import logging
import os
import socket
import time
from urllib.parse import urlparse

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

HEARTBEAT_PREFIX = "kitaaman:beat:"
HEARTBEAT_SECONDS = 30
# Longer than beat's longest sleep (CELERY_BEAT_MAX_LOOP_INTERVAL) plus a heartbeat.
HEARTBEAT_TTL_SECONDS = 180


def is_redis_url(url: str | None) -> bool:
    return bool(url) and urlparse(url).scheme in ("redis", "rediss", "unix")


def redis_client(url: str, timeout: float = 3):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def heartbeat_write(url: str, *, name: str | None = None, now: float | None = None) -> str:
    """Record that a beat named `name` (host:pid) is alive now; returns the key."""
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    key = HEARTBEAT_PREFIX + name
    stamp = now if now is not None else time.time()
    redis_client(url).set(key, f"{stamp:.0f}", ex=HEARTBEAT_TTL_SECONDS)
    return key


def heartbeat_remove(url: str, key: str) -> None:
    redis_client(url).delete(key)


def heartbeats_read(url: str) -> dict[str, float]:
    """The beats alive within HEARTBEAT_TTL_SECONDS: {host:pid: last heartbeat (epoch seconds)}."""
    client = redis_client(url)
    beats = {}
    for key in client.scan_iter(match=HEARTBEAT_PREFIX + "*", count=100):
        value = client.get(key)
        name = key.decode()[len(HEARTBEAT_PREFIX) :]
        try:
            beats[name] = float(value)
        except (TypeError, ValueError):
            beats[name] = 0.0
    return beats


class HeartbeatScheduler(PersistentScheduler):
    """The schedule as Celery keeps it (a file), plus a heartbeat on every tick."""

    _last_heartbeat = 0.0
    _heartbeat_key = None

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        self.heartbeat()
        return interval

    def heartbeat(self) -> None:
        url = self.app.conf.broker_url
        if not is_redis_url(url) or time.monotonic() - self._last_heartbeat < HEARTBEAT_SECONDS:
            return
        try:
            self._heartbeat_key = heartbeat_write(url)
            self._last_heartbeat = time.monotonic()
        except Exception as exc:  # the schedule matters more than the heartbeat
            logger.warning("beat heartbeat not written: %s", exc)

    def close(self):
        """A beat that stops takes its heartbeat with it, so a restart is never
        seen as two beats (a killed one's lapses after HEARTBEAT_TTL_SECONDS)."""
        super().close()
        if self._heartbeat_key:
            try:
                heartbeat_remove(self.app.conf.broker_url, self._heartbeat_key)
            except Exception as exc:
                logger.warning("beat heartbeat not removed: %s", exc)
