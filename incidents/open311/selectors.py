"""Reads behind the Open311 answers.

Requests are exactly the reports of the public map (incidents.public.selectors:
checked by an officer, not confidential), at the point the map shows
(conflicts at the desa centroid). Nothing a reporter typed is published: no
name or contact, and no free text either (that is where names and phone
numbers end up); the description is built from the category and the desa.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.desk.filters import DateBoundField
from incidents.intake.tracking import normalize_tracking_code
from incidents.models import OPEN_STATUSES, Assignment, Category, Incident
from incidents.public.selectors import last_public_note_subquery, public_map_incidents

from .render import Open311Error

WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_IDS = 1000
MAX_SERVICE_CODES = 100
OPEN, CLOSED = "open", "closed"

QUESTION_DATATYPES = {
    "text": "string",
    "textarea": "text",
    "integer": "number",
    "boolean": "singlevaluelist",
    "choice": "singlevaluelist",
}


def active_services() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("sort_order", "name")


def service_get(code: str) -> Category | None:
    code = str(code)[:40]
    if "\x00" in code:  # PostgreSQL refuses NUL in a query parameter
        return None
    return active_services().filter(code=code).first()


def open311_status(status: str) -> str:
    return OPEN if status in OPEN_STATUSES else CLOSED


def _with_request_fields(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    """What a GeoReport request carries besides the report: the last public
    note and the agency of the latest assignment, as subqueries, so a page of
    1,000 costs one query."""
    agency = (
        Assignment.objects.filter(incident=OuterRef("pk")).order_by("-assigned_at", "-id").values("agency__name")[:1]
    )
    return qs.annotate(o311_status_notes=last_public_note_subquery(), o311_agency=Subquery(agency))


def public_requests() -> QuerySet[Incident]:
    """The public map's reports, as GeoReport requests."""
    return _with_request_fields(public_map_incidents(extra_fields=("tracking_code", "updated_at", "due_at")))


def partner_request_get(raw_id: str, application) -> Incident | None:
    """A request the partner application itself submitted, whatever its
    status or visibility (it holds what it sent); None for any other."""
    code = normalize_tracking_code(str(raw_id)[:40])
    if not code:
        return None
    qs = Incident.objects.filter(tracking_code=code, partner_application=application)
    return _with_request_fields(qs.select_related("category", "desa", "kecamatan")).first()


def public_request_get(raw_id: str) -> Incident | None:
    code = normalize_tracking_code(str(raw_id)[:40])
    if not code:
        return None
    return public_requests().filter(tracking_code=code).first()


@dataclass
class Page:
    items: list
    next_after: str | None


def encode_cursor(incident: Incident) -> str:
    raw = f"{incident.created_at.isoformat()}|{incident.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, int]:
    try:
        padded = value + "=" * (-len(value) % 4)
        stamp, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        moment, pk = datetime.fromisoformat(stamp), int(pk)
        if timezone.is_naive(moment) or not 2000 <= moment.year <= 2100 or not 0 < pk < 2**63:
            raise ValueError
        return moment, pk
    except (ValueError, UnicodeError, binascii.Error):
        raise Open311Error(400, _("after: penanda halaman tidak valid; pakai nilai dari header Link."))


def parse_moment(name: str, value: str, *, end: bool) -> datetime:
    """ISO 8601 as the specification asks (other date spellings as the desk
    filter takes them); a date alone covers the whole day in WIB. A '+' of an
    unencoded offset arrives as a space: put it back."""
    text = value.strip()
    if len(text) > 6 and text[-6] == " " and text[-5:-3].isdecimal():
        text = f"{text[:-6]}+{text[-5:]}"
    try:
        moment = DateBoundField(end=end).to_python(text)
    except ValidationError:
        raise Open311Error(
            400, _("%(name)s: tanggal tidak valid (pakai ISO 8601, mis. 2026-11-01T00:00:00+07:00).") % {"name": name}
        )
    if not 2000 <= moment.year <= 2100:
        # Far dates overflow the 90-day arithmetic and the UTC conversion.
        raise Open311Error(400, _("%(name)s: tahun harus antara 2000 dan 2100.") % {"name": name})
    return moment


def _window(params, now: datetime) -> tuple[datetime, datetime]:
    start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    start = parse_moment("start_date", start_raw, end=False) if start_raw else None
    end = parse_moment("end_date", end_raw, end=True) if end_raw else None
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    if end < start:
        raise Open311Error(400, _("end_date tidak boleh lebih awal dari start_date."))
    if end - start > WINDOW + timedelta(days=1):
        raise Open311Error(400, _("Rentang start_date sampai end_date paling lama 90 hari."))
    return start, end


def _ids(value: str) -> list[str]:
    raw = [v.strip() for v in value.split(",") if v.strip()]
    if len(raw) > MAX_IDS:
        raise Open311Error(400, _("service_request_id: paling banyak 1.000 kode sekaligus."))
    codes = [normalize_tracking_code(v[:40]) for v in raw]
    return [c for c in codes if c]


def _service_codes(value: str) -> list[str]:
    """service_code: one code or a comma list (the specification allows
    several); every one must be known."""
    codes = list(dict.fromkeys(v.strip()[:40] for v in value.split(",") if v.strip()))
    if len(codes) > MAX_SERVICE_CODES:
        raise Open311Error(400, _("service_code: terlalu banyak kode sekaligus."))
    known = set(Category.objects.filter(code__in=[c for c in codes if "\x00" not in c]).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise Open311Error(400, _("service_code %(code)s tidak dikenal.") % {"code": code})
    return codes


def _statuses(value: str) -> set[str]:
    wanted = {v.strip().lower() for v in value.split(",") if v.strip()}
    unknown = wanted - {OPEN, CLOSED}
    if unknown:
        raise Open311Error(400, _("status harus open atau closed."))
    return wanted


def _page_size(value: str) -> int:
    if not value:
        return MAX_REQUESTS
    if not value.isdecimal() or not 1 <= int(value) <= MAX_REQUESTS:
        raise Open311Error(400, _("page_size harus bilangan bulat 1 sampai 1.000."))
    return int(value)


def requests_search(params, *, now: datetime | None = None) -> Page:
    """GET requests: `params` is a dict of strings. service_request_id (a comma
    list) overrides every other filter, as the specification says; otherwise
    the window is 90 days (the last 90 without dates), newest first, at most
    1,000 per page; `after` continues after the last row of a page (keyset)."""
    qs = public_requests()
    size = _page_size(params.get("page_size", "").strip())
    ids = params.get("service_request_id", "").strip()
    if ids:
        return Page(list(qs.filter(tracking_code__in=_ids(ids))[:MAX_IDS]), None)
    codes = _service_codes(params.get("service_code", ""))
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = _statuses(params.get("status", ""))
    if statuses == {OPEN}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {CLOSED}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    start, end = _window(params, now or timezone.now())
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    after = params.get("after", "").strip()
    if after:
        moment, pk = decode_cursor(after)
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return Page(rows[:size], encode_cursor(rows[size - 1]))
    return Page(rows, None)
