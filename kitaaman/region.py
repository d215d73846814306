"""The region this portal serves, read from RegionProfile.

One read per process, kept until the profile changes: saving it bumps a
version in the shared cache, and every process compares its copy's version
with that on the next read. When the cache (Redis) is down the profile is
read from the database instead, so a page never fails for want of it.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import lazy

from .models import RegionProfile

log = logging.getLogger(__name__)

VERSION_KEY = "kitaaman:region-version"
_lock = threading.Lock()
_local = {"version": None, "profile": None, "read_at": 0.0}
# A process rereads the profile at least this often, should the version key be
# evicted from the cache between two changes.
MAX_AGE_SECONDS = 300


def _shared_version():
    try:
        return cache.get(VERSION_KEY, 0)
    except Exception:  # the cache server is down: read the database each time
        log.warning("region profile: cache unavailable, reading the database")
        return None


def _from_db() -> RegionProfile:
    profile = RegionProfile.objects.order_by("pk").first()
    if profile is None:
        # A database without the data migration's row: a neutral profile so
        # pages still render while the admin fills it in (the code, the names
        # and the CAP sender left blank).
        profile = RegionProfile(
            official_name="Pemerintah Daerah",
            head_title="Kepala Daerah",
            satpol_pp_name="Satuan Polisi Pamong Praja",
            data_controller="Pemerintah Daerah",
            cap_sender_name="BPBD",
            cap_profile_code="KITAAMAN-1.0",
            cap_identifier_prefix="KITAAMAN",
            sms_prefix="BPBD",
            min_lat=-11.0,
            max_lat=6.0,
            min_lng=95.0,
            max_lng=141.0,
        )
    return profile


def current() -> RegionProfile:
    """The region profile (cached per process, refreshed when it is saved)."""
    version = _shared_version()
    if version is None:
        return _from_db()
    fresh = time.monotonic() - _local["read_at"] < MAX_AGE_SECONDS
    if _local["profile"] is not None and _local["version"] == version and fresh:
        return _local["profile"]
    with _lock:
        profile = _from_db()
        _local.update(version=version, profile=profile, read_at=time.monotonic())
    return profile


def invalidate():
    _local.update(version=None, profile=None, read_at=0.0)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        try:
            cache.set(VERSION_KEY, 1, None)
        except Exception:
            log.warning("region profile: cache unavailable, version not bumped")
    except Exception:
        log.warning("region profile: cache unavailable, version not bumped")


@receiver(post_save, sender=RegionProfile)
@receiver(post_delete, sender=RegionProfile)
def _profile_changed(sender, **kwargs):
    # Now for this process, and again once committed so that no other process
    # keeps a copy read before the commit.
    invalidate()
    transaction.on_commit(invalidate)


def bbox() -> dict:
    return current().bbox


def center() -> list[float]:
    """The middle of the region's map bounds, [lat, lng]."""
    box = bbox()
    return [round((box["min_lat"] + box["max_lat"]) / 2, 4), round((box["min_lng"] + box["max_lng"]) / 2, 4)]


def bounds() -> list[list[float]]:
    """[[south, west], [north, east]] of the region's map, as Leaflet takes them."""
    box = bbox()
    return [[box["min_lat"], box["min_lng"]], [box["max_lat"], box["max_lng"]]]


def leaflet_overrides() -> dict:
    """django-leaflet settings for the region's maps (its extent and centre)."""
    box = bbox()
    return {
        "SPATIAL_EXTENT": (box["min_lng"], box["min_lat"], box["max_lng"], box["max_lat"]),
        "DEFAULT_CENTER": ((box["min_lat"] + box["max_lat"]) / 2, (box["min_lng"] + box["max_lng"]) / 2),
    }


def code_prefixes() -> tuple[str, ...]:
    """The region's code with and without dots ("16.73", "1673")."""
    region = current()
    return tuple(p for p in (region.code, region.code_digits) if p)


# Settings that, when set in the environment, win over the profile (an install
# that already publishes under a CAP sender keeps it stable).


def cap_sender() -> str:
    return settings.CAP_SENDER or current().cap_sender


def cap_sender_name() -> str:
    return settings.CAP_SENDER_NAME or current().cap_sender_name


def cap_contact() -> str:
    region = current()
    return settings.CAP_CONTACT or region.cap_contact or f"{region.cap_sender_name}, {region.emergency_numbers}"


def cap_identifier_prefix() -> str:
    return settings.CAP_IDENTIFIER_PREFIX or current().cap_identifier_prefix


def open311_jurisdiction_id() -> str:
    return settings.OPEN311_JURISDICTION_ID or current().domain


def open311_contact() -> str:
    return settings.OPEN311_CONTACT or f"{current().satpol_pp_name} ({settings.SITE_URL})"


def default_from_email() -> str:
    if settings.DEFAULT_FROM_EMAIL_SET:
        return settings.DEFAULT_FROM_EMAIL
    region = current()
    host = region.domain or "localhost"
    return f"KITA AMAN {region.short_name} <noreply@kitaaman.{host}>".replace("  ", " ")


def for_kind(kabupaten, kota) -> str:
    """The wording of the region's kind: both phrasings are whole msgids,
    e.g. region.for_kind(_("Seluruh kabupaten"), _("Seluruh kota"))."""
    return str(kota if current().is_kota else kabupaten)


# for_kind chosen when the text is shown (form labels made at import).
by_kind = lazy(for_kind, str)
