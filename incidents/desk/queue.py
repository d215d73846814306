"""The desk queue: filters, sort orders and keyset (cursor) pagination.

Used by the desk pages and the staff list API. Everything starts from
`incidents_visible_to(user)`; the filters come from
`incidents.desk.filters`, so the page, the API and the exports agree.

Keyset pagination: a page is "the next 50 rows after this sort key", never an
OFFSET and never a COUNT(*). The sort key is compared as a row value,
`(created_at, id) < (%s, %s)`, which PostgreSQL turns into one index range on
the matching index (see the indexes on Incident), so a page 20,000 rows deep
costs what the first page costs.

Free-text search (`q`): a tracking code is an exact, indexed match; other text
is an `icontains` over title, description, location detail and desa name, a
sequential scan at a million rows. It stays acceptable combined with the
filters that narrow the scan (kecamatan, status, date range), and the
database's statement_timeout bounds the worst case.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import signals
from incidents.desk.filters import incidents_filtered
from incidents.models import OPEN_STATUSES, Assignment, Desa, Kecamatan, Status
from incidents.selectors import incidents_visible_to, visible_kecamatan
from incidents.workflow import sla

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
COUNTS_TTL = 30  # seconds; the status counts may lag this much behind
CURSOR_SALT = "incidents.queue.cursor"

SORT_ALIASES = {"terbaru": "newest", "prioritas": "priority", "age": "oldest", "terlama": "oldest", "batas": "due"}

_FIELD_TYPES = {
    "created_at": DateTimeField(),
    "due_at": DateTimeField(),
    "priority": IntegerField(),
    "id": IntegerField(),
}


@dataclass(frozen=True)
class _Segment:
    """A run of rows in one sort order. The due-time sort has two: reports
    with a deadline (ascending), then those without one (closed), so NULLs
    never enter a row comparison."""

    where: Q
    fields: tuple[str, ...]
    descending: bool


SORTS = {
    "newest": [_Segment(Q(), ("created_at", "id"), True)],
    "oldest": [_Segment(Q(), ("created_at", "id"), False)],
    "priority": [_Segment(Q(), ("priority", "created_at", "id"), True)],
    "due": [
        _Segment(Q(due_at__isnull=False), ("due_at", "id"), False),
        _Segment(Q(due_at__isnull=True), ("id",), False),
    ],
}


class InvalidCursor(ValidationError):
    pass


class RowCompare(Func):
    """`(a, b, c) < (x, y, z)` as a SQL row value (PostgreSQL, SQLite >= 3.15)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns, op, values):
        self.op = op
        self.width = len(columns)
        exprs = [F(c) for c in columns] + [
            Value(v, output_field=_FIELD_TYPES[c]) for c, v in zip(columns, values, strict=True)
        ]
        super().__init__(*exprs)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expr in self.get_source_expressions():
            sql, p = compiler.compile(expr)
            parts.append(sql)
            params.extend(p)
        lhs, rhs = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"(({lhs}) {self.op} ({rhs}))", params


@dataclass
class QueuePage:
    items: list
    sort: str
    next_cursor: str | None = None
    prev_cursor: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.prev_cursor is not None


# --- filters ------------------------------------------------------------------------------------


def _get(params, name):
    if params is None:
        return None
    if hasattr(params, "getlist"):
        values = params.getlist(name)
        return values if len(values) > 1 else (values[0] if values else None)
    return params.get(name)


def queue_queryset(user, params=None, *, now=None):
    """The reports of the user's queue matching `params` (the filters of
    incidents.desk.filters), unordered. Raises ValidationError (field ->
    messages) for filters it cannot understand."""
    return incidents_filtered(incidents_visible_to(user), params, user=user, now=now)


# Columns a queue row never shows; the desa and kecamatan boundaries are
# whole GeoJSON polygons.
ROW_DEFERRED = ("desa__boundary", "kecamatan__boundary", "category__questions", "category__description")


def with_row_data(qs):
    """What a queue row or an export line needs, in two queries per page."""
    assignments = Assignment.objects.select_related("agency").only(
        "id", "incident_id", "agency__id", "agency__code", "agency__name", "agency__short_name"
    )
    return (
        qs.select_related("category", "desa", "kecamatan")
        .defer(*ROW_DEFERRED)
        .prefetch_related(Prefetch("assignments", queryset=assignments))
    )


# What a row of the queue page shows, and what its deadline state
# (incidents.workflow.sla.sla_state) reads: plain values, no model instances.
ROW_VALUES = (
    "id",
    "version",
    "tracking_code",
    "title",
    "description",
    "created_at",
    "due_at",
    "priority",
    "status",
    "details",
    "assignment_requested_at",
    "desa_id",
    "kecamatan_id",
)
ROW_CATEGORY = ("name", "verify_within", "verify_unit", "followup_within", "followup_unit")
PLACE_NAMES_KEY = "desk:place-names"
PLACE_NAMES_TTL = 300


def place_names(*, refresh=False) -> dict:
    """{"desa": {code: name}, "kecamatan": {code: name}} of the kabupaten: a
    hundred rows of reference data, cached (and dropped whenever one is saved
    or deleted) so that a queue page joins neither table: each join cost the
    planner more than the page's whole index scan."""
    names = None if refresh else cache.get(PLACE_NAMES_KEY)
    if names is None:
        names = {
            "desa": dict(Desa.objects.values_list("code", "name")),
            "kecamatan": dict(Kecamatan.objects.values_list("code", "name")),
        }
        cache.set(PLACE_NAMES_KEY, names, PLACE_NAMES_TTL)
    return names


@receiver([post_save, post_delete], sender=Desa, dispatch_uid="desk-place-names-desa")
@receiver([post_save, post_delete], sender=Kecamatan, dispatch_uid="desk-place-names-kecamatan")
def _forget_place_names(**kwargs):
    cache.delete(PLACE_NAMES_KEY)


class QueueRow(SimpleNamespace):
    """A report as the queue page lists it: the columns of ROW_VALUES, its
    category (name and deadline rules), `desa_name`, `kecamatan_name` and
    `agencies`, the names of the agencies assigned to it in assignment order."""

    @property
    def pk(self):
        return self.id


def _as_rows(values: list[dict]) -> list[QueueRow]:
    names = place_names()
    if any(v["desa_id"] not in names["desa"] or v["kecamatan_id"] not in names["kecamatan"] for v in values):
        names = place_names(refresh=True)
    rows = []
    for v in values:
        category = SimpleNamespace(**{name: v.pop(f"category__{name}") for name in ROW_CATEGORY})
        desa_name, kecamatan_name = names["desa"][v["desa_id"]], names["kecamatan"][v["kecamatan_id"]]
        rows.append(QueueRow(**v, category=category, desa_name=desa_name, kecamatan_name=kecamatan_name, agencies=[]))
    # Most pages (new reports) have no assignment: ask only for rows that have one.
    by_id = {row.id: row for row in rows if row.assigned}
    if by_id:
        assigned = Assignment.objects.filter(incident_id__in=by_id).values_list(
            "incident_id", "agency__short_name", "agency__name"
        )
        for incident_id, short_name, name in assigned:  # Assignment's ordering: assigned_at, id
            by_id[incident_id].agencies.append(short_name or name)  # Agency.__str__
    return rows


def sort_of(params) -> str:
    value = _get(params, "sort") or "newest"
    if isinstance(value, list):
        value = value[0]
    value = SORT_ALIASES.get(value, value)
    if value not in SORTS:
        raise ValidationError({"sort": [_("Urutan tidak dikenal.")]})
    return value


# --- cursors -------------------------------------------------------------------------------------


def _dump(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _load(name, value):
    if value is None:
        return None
    if name in ("created_at", "due_at"):
        parsed = datetime.fromisoformat(value)
        if timezone.is_naive(parsed):
            raise ValueError
        return parsed
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError
    return value


def _segment_index(sort, incident):
    segments = SORTS[sort]
    if len(segments) == 1:
        return 0
    return 0 if incident.due_at is not None else 1


def encode_cursor(sort, incident, direction):
    seg = _segment_index(sort, incident)
    key = [_dump(getattr(incident, name)) for name in SORTS[sort][seg].fields]
    return signing.dumps({"s": sort, "d": direction, "g": seg, "k": key}, salt=CURSOR_SALT, compress=True)


def decode_cursor(token, sort):
    try:
        data = signing.loads(token, salt=CURSOR_SALT)
        if data["s"] != sort or data["d"] not in ("n", "p"):
            raise ValueError
        seg = data["g"]
        if not isinstance(seg, int) or not 0 <= seg < len(SORTS[sort]):
            raise ValueError
        fields = SORTS[sort][seg].fields
        if len(data["k"]) != len(fields):
            raise ValueError
        key = tuple(_load(name, value) for name, value in zip(fields, data["k"], strict=True))
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise InvalidCursor({"cursor": [_("Tautan halaman tidak valid atau kedaluwarsa. Mulai dari halaman pertama.")]})
    return data["d"], seg, key


def _ordered(qs, segment, backwards):
    desc = segment.descending != backwards
    return qs.filter(segment.where).order_by(*[f"-{f}" if desc else f for f in segment.fields])


def _after(qs, segment, key, backwards):
    forward_op = "<" if segment.descending else ">"
    op = {"<": ">", ">": "<"}[forward_op] if backwards else forward_op
    return qs.filter(RowCompare(segment.fields, op, key))


def _fetch(qs, sort, seg, key, backwards, n, rows_only=False):
    """Up to n rows after (or before) position (seg, key), crossing segments:
    model instances, or QueueRow values when `rows_only`."""
    segments = SORTS[sort]
    order = range(seg, -1, -1) if backwards else range(seg, len(segments))
    rows = []
    for i in order:
        part = _ordered(qs, segments[i], backwards)
        if i == seg and key is not None:
            part = _after(part, segments[i], key, backwards)
        rows.extend(part[: n - len(rows)])
        if len(rows) >= n:
            break
    return _as_rows(rows) if rows_only else rows


def incident_queue(user, params=None, *, cursor=None, limit=PAGE_SIZE, rows_only=False) -> QueuePage:
    """One page of the user's queue. `params` is a dict or QueryDict of the
    filters (see IncidentFilter.to_params) plus `sort`; `cursor` is a token
    from a previous page's next_cursor/prev_cursor. The items are Incident
    instances, or QueueRow values (what the queue page shows) when
    `rows_only`. Raises ValidationError for bad filters and InvalidCursor for
    a bad cursor."""
    limit = max(1, min(int(limit or PAGE_SIZE), MAX_PAGE_SIZE))
    sort = sort_of(params or {})
    qs = queue_queryset(user, params)
    if rows_only:
        assigned = Exists(Assignment.objects.filter(incident_id=OuterRef("pk")))
        qs = qs.values(*ROW_VALUES, *[f"category__{name}" for name in ROW_CATEGORY], assigned=assigned)
    else:
        qs = with_row_data(qs)
    page = QueuePage(items=[], sort=sort)
    fetch = functools.partial(_fetch, qs, sort, rows_only=rows_only)
    if not cursor:
        rows = fetch(0, None, False, limit + 1)
        page.items = rows[:limit]
        if len(rows) > limit:
            page.next_cursor = encode_cursor(sort, page.items[-1], "n")
        return page
    direction, seg, key = decode_cursor(cursor, sort)
    if direction == "n":
        rows = fetch(seg, key, False, limit + 1)
        page.items = rows[:limit]
        if page.items:
            page.prev_cursor = encode_cursor(sort, page.items[0], "p")
        if len(rows) > limit:
            page.next_cursor = encode_cursor(sort, page.items[-1], "n")
        return page
    rows = fetch(seg, key, True, limit + 1)
    if not rows:
        return incident_queue(user, params, limit=limit, rows_only=rows_only)
    page.items = list(reversed(rows[:limit]))
    page.next_cursor = encode_cursor(sort, page.items[-1], "n")
    if len(rows) > limit:
        page.prev_cursor = encode_cursor(sort, page.items[0], "p")
    return page


# --- counts --------------------------------------------------------------------------------------


def _scope_key(user) -> str:
    # Two users whose visibility compiles to the same SQL see the same reports,
    # so they may share the cached counts; nothing about the rule is repeated here.
    try:
        sql, sql_params = incidents_visible_to(user).query.sql_with_params()
    except EmptyResultSet:  # sees nothing
        sql, sql_params = "", ()
    return "desk:counts:" + hashlib.sha256(repr((sql, sql_params)).encode()).hexdigest()


def _counts_from_rows(qs, now) -> dict:
    counts = dict.fromkeys(Status.values, 0)
    counts.update(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    # due_at is only set while a report is open (see Incident.due_at).
    counts["overdue"] = qs.filter(due_at__lt=now).count()
    return counts


def status_counts(user) -> dict:
    """Reports per status among those the user may see, plus `overdue`,
    `assignment_requested` and `open`, kept COUNTS_TTL seconds in the cache.

    When the user's visibility is a set of kecamatan (every role but mitra)
    and another app fills the slot signals.desk_status_counts (the SPM rollups), the
    counts are sums over the rollups: a few milliseconds cold, at any number
    of reports. Otherwise the rows are counted. The queue pages never count."""
    key = _scope_key(user)
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        qs = incidents_visible_to(user).order_by()
        codes = visible_kecamatan(user)
        from_rollups = signals.desk_status_counts.function
        if from_rollups is not None and codes is not None:
            counts = from_rollups(kecamatan_codes=codes, now=now)
        else:
            counts = _counts_from_rows(qs, now)
        # Few rows, on a partial index: the koordinator's pending requests.
        counts["assignment_requested"] = qs.filter(assignment_requested_at__isnull=False).count()
        counts["open"] = sum(counts[str(s)] for s in OPEN_STATUSES)
        cache.set(key, counts, COUNTS_TTL)
    return counts


def due_state(incident, now=None) -> str:
    """ "overdue", "soon" or "" for the deadline that runs in the current status."""
    return {"overdue": "overdue", "due_soon": "soon"}.get(sla.sla_state(incident, now=now) or "", "")
