"""Reading other authorities' CAP feeds (for example BMKG's).

A feed URL may serve one CAP message, an Atom feed (entries embedding a CAP
message or linking to one) or an RSS feed (items linking to CAP messages).
Every download goes through kitaaman.outbound_http: a timeout, a size cap, a
total deadline, and public addresses only (redirects checked again). A feed
whose own host is listed in OUTBOUND_HTTP_INTERNAL_HOSTS may sit on the office
network; its entries may then link back to that host, never to another
internal address. XML is parsed
with defusedxml with DTDs forbidden (entity bombs and external entities need
one); every CAP message is validated against the OASIS schema and fully
converted before anything is written. Only messages with status Actual whose
area touches the kabupaten are kept.

A feed that fails (unreachable, malformed, oversized, hostile) keeps what it
had, logs the error and is retried with a growing delay.
"""

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kitaaman import outbound_http, region
from kitaaman.outbound_http import AddressRefused, BadRedirect, BadUrl, OutboundError, TooLarge, internal_hosts

from .cap import CAP_NS, validation_errors
from .geometry import BadGeometry, kabupaten_shape, parse_cap_circle, parse_cap_polygon
from .models import ExternalAlert, ExternalFeed
from .selectors import banner_changed

logger = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
USER_AGENT = "KITA-AMAN/1.0 (CAP reader)"
FETCH_INTERVAL = timedelta(minutes=10)
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
KEPT_KINDS = ("Alert", "Update", "Cancel")
MAX_REDIRECTS = 3


class FeedError(Exception):
    """The document could not be used; the message is for the admin."""


@dataclass
class Parsed:
    fields: dict
    withdraws: list = field(default_factory=list)  # (sender, identifier) of messages it updates/cancels


def _link_hosts(feed_url: str) -> frozenset[str]:
    """Hosts a feed's entries may link to on an internal address: only the
    feed's own host, and only when that host is listed for internal use."""
    host = (urlsplit(feed_url).hostname or "").lower()
    return internal_hosts() & {host}


def download(url: str, *, etag: str = "", last_modified: str = "", allow_hosts=frozenset()):
    """(status, body, headers); status 304 means unchanged. Raises FeedError.
    Through the guarded client: public addresses only, except hosts in
    `allow_hosts`; redirects checked again."""
    timeout = settings.WARNINGS_FEED_TIMEOUT
    limit = settings.WARNINGS_FEED_MAX_BYTES
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/cap+xml, application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    shown = url[:100]
    try:
        answer = outbound_http.request(
            "GET",
            url,
            headers=headers,
            max_bytes=limit,
            timeout=timeout,
            deadline=timeout * 3,
            redirects=MAX_REDIRECTS,
            allow_hosts=allow_hosts,
        )
    except BadUrl:
        raise FeedError(f"alamat bukan http(s): {shown}")
    except BadRedirect as exc:
        raise FeedError(f"pengalihan ditolak dari {shown}: {exc}")
    except AddressRefused:
        raise FeedError(f"alamat jaringan internal ditolak: {shown}")
    except TooLarge:
        raise FeedError(f"terlalu besar: lebih dari {limit} bita")
    except OutboundError as exc:
        raise FeedError(f"tidak dapat dihubungi: {shown} ({exc})")
    if answer.status == 304:
        return 304, b"", {}
    if answer.status >= 300:
        raise FeedError(f"HTTP {answer.status} dari {shown}")
    return answer.status, answer.body, answer.headers


def parse_xml(body: bytes):
    try:
        return safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"XML berbahaya ditolak ({type(exc).__name__})")
    except (ET.ParseError, ValueError) as exc:
        raise FeedError(f"XML rusak: {exc}")


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _brace, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def split_document(root, base_url: str) -> tuple[list, list[str]]:
    """(embedded CAP alert elements, links to CAP documents) of a downloaded document."""
    ns, name = _local(root.tag)
    if ns == CAP_NS and name == "alert":
        return [root], []
    alerts, links = [], []
    if ns == ATOM_NS and name == "feed":
        for entry in root.findall(f"{{{ATOM_NS}}}entry"):
            content = entry.find(f"{{{ATOM_NS}}}content")
            embedded = content.find(f"{{{CAP_NS}}}alert") if content is not None else None
            if embedded is not None:
                alerts.append(embedded)
                continue
            candidates = entry.findall(f"{{{ATOM_NS}}}link")
            chosen = next((lk for lk in candidates if "cap" in (lk.get("type") or "")), None) or next(
                (lk for lk in candidates if lk.get("rel", "alternate") == "alternate"), None
            )
            if chosen is not None and chosen.get("href"):
                links.append(urljoin(base_url, chosen.get("href")))
        return alerts, links
    if name == "rss":
        for item in root.iter("item"):
            link = item.findtext("link")
            if link:
                links.append(urljoin(base_url, link.strip()))
        return alerts, links
    raise FeedError(f"bukan dokumen CAP, Atom, atau RSS (akar: {name})")


def _text(element, name: str) -> str:
    return (element.findtext(f"{{{CAP_NS}}}{name}") or "").strip()


def _datetime(value: str):
    parsed = parse_datetime(value) if value else None
    if value and parsed is None:
        raise FeedError(f"waktu tidak valid: {value[:40]}")
    return parsed


def _pick_info(alert_el):
    infos = alert_el.findall(f"{{{CAP_NS}}}info")
    for info in infos:
        if _text(info, "language").lower().startswith("id"):
            return info
    return infos[0] if infos else None


def _areas(info) -> tuple[list, list[str], list[str]]:
    """(geometries, descriptions, geocode values) of the info's areas."""
    geoms, descs, codes = [], [], []
    for area in info.findall(f"{{{CAP_NS}}}area"):
        descs.append(_text(area, "areaDesc"))
        for poly in area.findall(f"{{{CAP_NS}}}polygon"):
            geoms.append(parse_cap_polygon(poly.text or ""))
        for circle in area.findall(f"{{{CAP_NS}}}circle"):
            geoms.append(parse_cap_circle(circle.text or ""))
        for geocode in area.findall(f"{{{CAP_NS}}}geocode"):
            codes.append(_text(geocode, "value"))
    return geoms, descs, codes


def _references(text: str) -> list[tuple[str, str]]:
    refs = []
    for token in text.split():
        parts = token.split(",")
        if len(parts) == 3:
            refs.append((parts[0], parts[1]))
    return refs


def convert(alert_el) -> Parsed | None:
    """A validated CAP element to ExternalAlert fields; None when it is not
    for the public of the region (another area, a test, an acknowledgement).
    Raises FeedError for an invalid message."""
    errors = validation_errors(alert_el)
    if errors:
        raise FeedError("pesan CAP tidak sah: " + "; ".join(errors[:3]))
    if _text(alert_el, "status") != "Actual" or _text(alert_el, "msgType") not in KEPT_KINDS:
        return None
    if _text(alert_el, "scope") != "Public":
        return None
    info = _pick_info(alert_el)
    if info is None:
        return None
    try:
        geoms, descs, codes = _areas(info)
    except BadGeometry as exc:
        raise FeedError(f"geometri wilayah tidak valid: {exc}")
    outline = kabupaten_shape()
    touches = any(g.intersects(outline) for g in geoms) or any(c.startswith(region.code_prefixes()) for c in codes)
    if not touches:
        return None
    features = [{"type": "Feature", "geometry": g.__geo_interface__, "properties": {}} for g in geoms if not g.is_empty]
    references = _text(alert_el, "references")
    fields = {
        "identifier": _text(alert_el, "identifier")[:250],
        "sender": _text(alert_el, "sender")[:250],
        "sent": _datetime(_text(alert_el, "sent")),
        "msg_type": _text(alert_el, "msgType"),
        "references": references,
        "event": _text(info, "event")[:250],
        "headline": _text(info, "headline")[:500],
        "description": _text(info, "description"),
        "instruction": _text(info, "instruction"),
        "urgency": _text(info, "urgency"),
        "severity": _text(info, "severity"),
        "certainty": _text(info, "certainty"),
        "onset": _datetime(_text(info, "onset")),
        "expires": _datetime(_text(info, "expires")),
        "area_desc": "; ".join(d for d in descs if d),
        "geometry": {"type": "FeatureCollection", "features": features},
        "web": _text(info, "web")[:500] if _text(info, "web").startswith(("http://", "https://")) else "",
    }
    return Parsed(fields=fields, withdraws=_references(references) if fields["msg_type"] != "Alert" else [])


def read_feed(feed: ExternalFeed) -> tuple[list[Parsed], list[str], dict | None]:
    """Download and convert everything a feed offers, writing nothing.

    Returns (messages kept, problems with single entries, response headers,
    or None when the feed is unchanged: 304); raises FeedError when the feed
    document itself is unusable."""
    status, body, headers = download(
        feed.url, etag=feed.etag, last_modified=feed.last_modified, allow_hosts=internal_hosts()
    )
    if status == 304:
        return [], [], None
    elements, links = split_document(parse_xml(body), feed.url)
    problems = []
    limit = settings.WARNINGS_FEED_MAX_ENTRIES
    for link in links[: max(limit - len(elements), 0)]:
        try:
            body = download(link, allow_hosts=_link_hosts(feed.url))[1]
            elements.extend(split_document(parse_xml(body), link)[0])
        except FeedError as exc:
            problems.append(f"{link[:100]}: {exc}")
    kept = []
    for element in elements[:limit]:
        try:
            parsed = convert(element)
        except FeedError as exc:
            problems.append(str(exc))
            continue
        if parsed is not None:
            kept.append(parsed)
    return kept, problems, headers


def _store(feed: ExternalFeed, messages: list[Parsed], now: datetime) -> int:
    stored = 0
    with transaction.atomic():
        for message in messages:
            fields = message.fields
            ExternalAlert.objects.update_or_create(
                sender=fields["sender"],
                identifier=fields["identifier"],
                defaults={**fields, "feed": feed, "fetched_at": now, "withdrawn": fields["msg_type"] == "Cancel"},
            )
            stored += 1
            for sender, identifier in message.withdraws:
                ExternalAlert.objects.filter(sender=sender, identifier=identifier).update(withdrawn=True)
                banner_changed()
    return stored


def feed_fetch(*, feed_id: int, now: datetime | None = None) -> int | None:
    """Fetch one feed if it is due and no one else is fetching it. Returns how
    many messages were stored, or None when it was not due or failed."""
    now = now or timezone.now()
    claimed = ExternalFeed.objects.filter(pk=feed_id, active=True, next_fetch_at__lte=now).update(
        next_fetch_at=now + LEASE, last_checked_at=now
    )
    if not claimed:
        return None
    feed = ExternalFeed.objects.get(pk=feed_id)
    try:
        messages, problems, headers = read_feed(feed)
        stored = _store(feed, messages, now)
    except FeedError as exc:
        failures = feed.failures + 1
        delay = min(FETCH_INTERVAL * 2 ** (failures - 1), MAX_BACKOFF)
        ExternalFeed.objects.filter(pk=feed.pk).update(
            failures=failures, last_error=str(exc)[:2000], next_fetch_at=now + delay
        )
        logger.warning("CAP feed %s (%s) failed %s time(s): %s", feed.name, feed.url, failures, exc)
        return None
    update = {
        "failures": 0,
        "last_success_at": now,
        "next_fetch_at": now + FETCH_INTERVAL,
        "last_error": "; ".join(problems)[:2000],
    }
    if headers is not None and not problems:
        # Remember the validators only when every entry was read, so a skipped
        # entry is tried again instead of hidden behind a 304.
        update["etag"] = (headers.get("ETag") or headers.get("Etag") or "")[:250]
        update["last_modified"] = (headers.get("Last-Modified") or "")[:100]
    elif problems:
        update["etag"], update["last_modified"] = "", ""
        logger.warning("CAP feed %s: %s entr(y/ies) skipped: %s", feed.name, len(problems), problems[:3])
    ExternalFeed.objects.filter(pk=feed.pk).update(**update)
    return stored


def feeds_fetch_due(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    results = {}
    for pk in ExternalFeed.objects.filter(active=True, next_fetch_at__lte=now).values_list("pk", flat=True):
        results[pk] = feed_fetch(feed_id=pk, now=now)
    return results
