"""Server-side cache of the public reads: the map layer, the reference lists
and the home page figures, so a surge of readers costs no database work.

Each entry is keyed by a version number of its scope. A change the public can
see bumps the version after its transaction commits (`layer_on_change`, on
the incident_changed signal; `reference_changed`, on a save of a category or
an area). Every entry also expires after a short time, so a change made
without the signal (a bulk
UPDATE, a restored backup) shows within KITAAMAN_PUBLIC_CACHE_SECONDS anyway.

Serialized answers are stored as bytes with their gzip twin and an ETag: a
phone that already has the answer gets a 304 with an empty body.

A cache that cannot answer (Redis down or hanging) is an empty one
(kitaaman.cache_backend): every answer is then built from the database, and
a version bumped meanwhile is caught up by the expiry above.
"""

import gzip
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from incidents.models import Category, Desa, Kecamatan
from incidents.public.selectors import PUBLIC_MAP_STATUSES
from incidents.signals import incident_changed, snapshot

LAYER = "layer"  # the public map layer: changes with public reports
REFERENCE = "reference"  # categories and areas: change when an admin edits them
# What the layer shows of a report: a change of any of these moves, adds or removes a marker.
LAYER_FIELDS = ("status", "confidential", "category_id", "desa_id", "lat", "lng", "created_at")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Entry:
    etag: str
    body: bytes
    gzipped: bytes


def _version_key(scope: str) -> str:
    return f"kitaaman:public:version:{scope}"


def version(scope: str) -> int:
    value = cache.get(_version_key(scope))
    if value is None:
        # A counter lost from the cache restarts from the clock, never from a
        # number whose entries may still be stored.
        cache.add(_version_key(scope), time.time_ns(), timeout=None)
        value = cache.get(_version_key(scope), 0)
    return value


def bump(scope: str) -> None:
    try:
        cache.incr(_version_key(scope))
    except ValueError:
        cache.set(_version_key(scope), time.time_ns(), timeout=None)


def _key(scope: str, name: str, params) -> str:
    # The language is part of the key: names and labels are translated.
    return f"kitaaman:public:{name}:{version(scope)}:{get_language()}:{':'.join(str(p) for p in params)}"


def cached_value(scope: str, name: str, params, build: Callable, timeout: int):
    """A Python value built once per version, parameters and language."""
    key = _key(scope, name, params)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def cached_entry(scope: str, name: str, params, build: Callable[[], bytes]) -> Entry:
    """Serialized bytes built once per version, parameters and language, with gzip and ETag."""

    def entry():
        body = build()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return Entry(etag=etag, body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0))

    return cached_value(scope, name, params, entry, settings.KITAAMAN_PUBLIC_CACHE_SECONDS)


def _not_modified(request, etag: str) -> bool:
    # Weak comparison (RFC 9110 13.1.2): a proxy that compressed the answer may have weakened the tag.
    tags = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def answer(request, entry: Entry, *, content_type: str, max_age: int) -> HttpResponse:
    """The stored bytes (gzip when the client takes it), or 304 when the client has them."""
    if _not_modified(request, entry.etag):
        response = HttpResponseNotModified()
    elif ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        # Public data, no secret to guess: compressing once for all readers is safe (no BREACH).
        response = HttpResponse(entry.gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry.body, content_type=content_type)
    response["ETag"] = entry.etag
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def layer_changed(previous: dict | None, current: dict) -> bool:
    """Does the change add, remove or alter a marker of the public map layer?"""

    def shown(values):
        return values is not None and not values["confidential"] and values["status"] in PUBLIC_MAP_STATUSES

    if not (shown(previous) or shown(current)):
        return False
    return previous is None or any(previous[name] != current[name] for name in LAYER_FIELDS)


@receiver(incident_changed, dispatch_uid="public-cache-incident-changed")
def layer_on_change(*, incident, previous=None, **signal) -> None:
    """Receiver of incidents.signals.incident_changed: a new layer version
    once the change is committed, only when the public can see it. A report
    arriving as new is not on the map, so a surge of reports keeps the cache."""
    if layer_changed(previous, snapshot(incident)):
        transaction.on_commit(lambda: bump(LAYER))


@receiver(post_save, sender=Category, dispatch_uid="public-cache-category-save")
@receiver(post_delete, sender=Category, dispatch_uid="public-cache-category-delete")
@receiver(post_save, sender=Desa, dispatch_uid="public-cache-desa-save")
@receiver(post_delete, sender=Desa, dispatch_uid="public-cache-desa-delete")
@receiver(post_save, sender=Kecamatan, dispatch_uid="public-cache-kecamatan-save")
@receiver(post_delete, sender=Kecamatan, dispatch_uid="public-cache-kecamatan-delete")
def reference_changed(**kwargs) -> None:
    """A category or area saved (the admin): the lists and the layer's names change."""

    def bump_both():
        bump(REFERENCE)
        bump(LAYER)

    transaction.on_commit(bump_both)
