"""Reads of the early warnings: who sees which, what is active, the banner."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Alert, ExternalAlert, MsgType, State
from .permissions import can_read

WIB = ZoneInfo("Asia/Jakarta")
PUBLIC_STATES = (State.PUBLISHED, State.SUPERSEDED, State.CANCELLED, State.EXPIRED)
# An external alert without an expiry time is shown for this long after it was sent.
EXTERNAL_DEFAULT_LIFETIME = timedelta(hours=24)
# The banner is read on every visit to / and /lapor/: kept in the cache at most
# this long, dropped whenever a warning, an external alert or a feed changes
# (banner_changed), and never past the first expiry of what it shows.
BANNER_KEY = "warnings:banner"
BANNER_SECONDS = 60


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Every staff role reads every warning (drafts included); others none."""
    if not can_read(user):
        return Alert.objects.none()
    return Alert.objects.select_related("created_by", "published_by", "references").order_by("-created_at", "-id")


def alerts_filtered(qs: QuerySet[Alert], *, state: str = "", kecamatan: str = "", year=None, until: date | None = None):
    """The staff list's filters; `kecamatan` matches a kecamatan area or a desa in it."""
    if state in State.values:
        qs = qs.filter(state=state)
    if kecamatan:
        qs = qs.filter(Q(areas__kecamatan_id=kecamatan) | Q(areas__desa__kecamatan_id=kecamatan)).distinct()
    if year:
        start = datetime.combine(date(int(year), 1, 1), time.min, tzinfo=WIB)
        end = (
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=WIB)
            if until
            else start.replace(year=start.year + 1)
        )
        qs = qs.filter(sent__gte=start, sent__lt=end)
    return qs


def public_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(state__in=PUBLIC_STATES).order_by("-sent", "-id")


def active_alerts(now: datetime | None = None) -> QuerySet[Alert]:
    """Warnings in force now (what the banner and /peringatan/ lead with)."""
    now = now or timezone.now()
    return (
        Alert.objects.filter(state=State.PUBLISHED, expires__gt=now)
        .exclude(msg_type=MsgType.CANCEL)
        .prefetch_related("areas__desa", "areas__kecamatan")
        .order_by("-sent", "-id")
    )


def active_cap_messages(now: datetime | None = None) -> QuerySet[Alert]:
    """Every message a CAP consumer should hold now, cancellations included
    (until the cancelled warning would have expired)."""
    now = now or timezone.now()
    return Alert.objects.filter(state=State.PUBLISHED, expires__gt=now).order_by("-sent", "-id")


def alert_by_identifier(identifier: str) -> Alert | None:
    return Alert.objects.filter(identifier=identifier, state__in=PUBLIC_STATES).exclude(cap_xml="").first()


def active_external_alerts(now: datetime | None = None) -> QuerySet[ExternalAlert]:
    now = now or timezone.now()
    return (
        ExternalAlert.objects.filter(withdrawn=False, msg_type__in=("Alert", "Update"), feed__active=True)
        .filter(Q(expires__gt=now) | Q(expires__isnull=True, sent__gt=now - EXTERNAL_DEFAULT_LIFETIME))
        .select_related("feed")
        .order_by("-sent", "-id")
    )


def banner_items(now: datetime | None = None) -> dict:
    """What the banner on / and /lapor/ shows: our active warnings, then other authorities'."""
    if now is not None:
        return _banner_items(now)
    now = timezone.now()
    cached = cache.get(BANNER_KEY)
    if cached is not None and cached["until"] > now:
        return cached["items"]
    items = _banner_items(now)
    ends = [a.expires for a in items["own"]]
    ends += [e.expires or e.sent + EXTERNAL_DEFAULT_LIFETIME for e in items["external"]]
    until = min([now + timedelta(seconds=BANNER_SECONDS), *[end for end in ends if end is not None]])
    cache.set(BANNER_KEY, {"items": items, "until": until}, BANNER_SECONDS)
    return items


def _banner_items(now: datetime) -> dict:
    own = list(active_alerts(now)[:5])
    external = list(active_external_alerts(now)[:3])
    return {"own": own, "external": external, "any": bool(own or external)}


def banner_changed(**kwargs) -> None:
    """Drop the cached banner now and once more when the change commits (a page
    rendered in between must not keep the old one)."""
    cache.delete(BANNER_KEY)
    transaction.on_commit(lambda: cache.delete(BANNER_KEY))
