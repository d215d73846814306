"""The desk queue: filters, sort orders and keyset (cursor) pagination.

Used by the desk pages and the staff list API. Everything starts from
`incidents_visible_to(user)`; the filters come from
`incidents.selectors.incidents_filter`, so the page and the API agree.

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

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, DateTimeField, F, Func, IntegerField, Prefetch, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.desk.filters import FilterError, incidents_filter
from incidents.intake.tracking import ALPHABET, normalize_tracking_code
from incidents.models import OPEN_STATUSES, Agency, Assignment, Category, Desa, Kecamatan, Priority, Status
from incidents.permissions import READ_ALL_ROLES, user_kecamatan_codes, user_roles
from incidents.selectors import incidents_visible_to
from incidents.workflow import sla

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
COUNTS_TTL = 30  # seconds; the open-status counts may lag this much behind
CLOSED_COUNTS_TTL = 600  # closed reports: most of the table, slow to change
OPEN_ALIAS = "terbuka"
CURSOR_SALT = "incidents.queue.cursor"

SORT_CHOICES = [
    ("newest", gettext_lazy("Terbaru")),
    ("priority", gettext_lazy("Prioritas tertinggi")),
    ("oldest", gettext_lazy("Terlama (umur laporan)")),
    ("due", gettext_lazy("Batas waktu terdekat")),
]
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


# --- filters -------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The desk's filter bar. Validates the query string with Indonesian
    messages and turns it into the params `incident_queue` takes."""

    q = forms.CharField(
        label=gettext_lazy("Cari"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Kode lacak atau kata kunci")}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Semua kategori"),
    )
    kecamatan = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=gettext_lazy("Semua kecamatan"),
    )
    desa = forms.ModelChoiceField(
        label=gettext_lazy("Desa/kelurahan"),
        queryset=Desa.objects.select_related("kecamatan"),
        required=False,
        empty_label=gettext_lazy("Semua desa"),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Instansi"),
        queryset=Agency.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Semua instansi"),
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Prioritas"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", gettext_lazy("Semua prioritas")), *Priority.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Hanya yang melewati batas waktu"), required=False)
    assignment_requested = forms.BooleanField(label=gettext_lazy("Hanya yang menunggu penugasan"), required=False)
    created_after = forms.DateField(
        label=gettext_lazy("Masuk sejak"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    created_before = forms.DateField(
        label=gettext_lazy("Masuk sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    sort = forms.ChoiceField(label=gettext_lazy("Urutkan"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Semua status")),
            (OPEN_ALIAS, _("Masih berjalan (baru s.d. ditangani)")),
            *Status.choices,
        ]
        codes = user_kecamatan_codes(user) if user is not None else None
        # A petugas only has reports of their own kecamatan: offer just those
        # (a convenience; what they see is still decided by the selector).
        if user is not None and codes and not (user_roles(user) & READ_ALL_ROLES):
            self.fields["kecamatan"].queryset = Kecamatan.objects.filter(code__in=codes)
            self.fields["desa"].queryset = Desa.objects.select_related("kecamatan").filter(kecamatan_id__in=codes)

    def clean(self):
        data = super().clean()
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("Tanggal akhir harus sama dengan atau setelah tanggal awal."))
        desa, kecamatan = data.get("desa"), data.get("kecamatan")
        if desa and kecamatan and desa.kecamatan_id != kecamatan.pk:
            self.add_error("desa", _("Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut."))
        return data

    def to_params(self) -> dict:
        """Cleaned filters as plain strings (what the API and export accept)."""
        data = self.cleaned_data
        params = {}
        if data.get("q"):
            params["q"] = data["q"].strip()
        if data.get("status"):
            params["status"] = data["status"]
        for name in ("category", "agency"):
            if data.get(name):
                params[name] = data[name].code
        for name in ("kecamatan", "desa"):
            if data.get(name):
                params[name] = data[name].pk
        if data.get("priority"):
            params["priority"] = str(data["priority"])
        if data.get("overdue"):
            params["overdue"] = "1"
        if data.get("assignment_requested"):
            params["assignment_requested"] = "1"
        for name in ("created_after", "created_before"):
            if data.get(name):
                params[name] = data[name].isoformat()
        if data.get("sort") and data["sort"] != "newest":
            params["sort"] = data["sort"]
        return params


def _get(params, name):
    if params is None:
        return None
    if hasattr(params, "getlist"):
        values = params.getlist(name)
        return values if len(values) > 1 else (values[0] if values else None)
    return params.get(name)


def looks_like_tracking_code(text: str) -> str:
    """The normalised code when `text` can only be a tracking code (so a
    nine-letter word such as "kebakaran" still searches the text)."""
    raw = (text or "").strip().upper()
    if not re.fullmatch(r"(KA[\s-]*)?[A-Z0-9]{4}[\s-]*[A-Z0-9]{5}", raw):
        return ""
    code = normalize_tracking_code(raw)
    if not code or any(ch not in ALPHABET for ch in code[3:].replace("-", "")):
        return ""
    if not raw.startswith("KA") and "-" not in raw:
        return ""
    return code


def queue_queryset(user, params=None, *, now=None):
    """The reports of the user's queue matching `params`, unordered.

    Raises ValidationError (field -> messages) for filters it cannot understand."""
    params = params or {}
    plain = {}
    for name in (
        "status",
        "category",
        "kecamatan",
        "desa",
        "agency",
        "priority",
        "overdue",
        "assignment_requested",
        "created_after",
        "created_before",
    ):
        value = _get(params, name)
        if value not in (None, "", []):
            plain[name] = value
    if plain.get("status") == OPEN_ALIAS:
        plain["status"] = [str(s) for s in OPEN_STATUSES]
    qs = incidents_visible_to(user)
    try:
        qs = incidents_filter(qs, plain, now=now)
    except FilterError as exc:
        raise ValidationError(exc.errors)
    q = _get(params, "q")
    if isinstance(q, list):
        q = q[0]
    q = (q or "").strip()[:100]
    if q:
        code = looks_like_tracking_code(q)
        if code:
            qs = qs.filter(tracking_code=code)
        else:
            qs = qs.filter(
                Q(title__icontains=q)
                | Q(description__icontains=q)
                | Q(location_detail__icontains=q)
                | Q(desa__name__icontains=q)
            )
    return qs


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


def _fetch(qs, sort, seg, key, backwards, n):
    """Up to n rows after (or before) position (seg, key), crossing segments."""
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
    return rows


def incident_queue(user, params=None, *, cursor=None, limit=PAGE_SIZE) -> QueuePage:
    """One page of the user's queue. `params` is a dict or QueryDict of the
    filters (see QueueFilterForm.to_params) plus `sort`; `cursor` is a token
    from a previous page's next_cursor/prev_cursor. Raises ValidationError
    for bad filters and InvalidCursor for a bad cursor."""
    limit = max(1, min(int(limit or PAGE_SIZE), MAX_PAGE_SIZE))
    sort = sort_of(params or {})
    qs = with_row_data(queue_queryset(user, params))
    page = QueuePage(items=[], sort=sort)
    if not cursor:
        rows = _fetch(qs, sort, 0, None, False, limit + 1)
        page.items = rows[:limit]
        if len(rows) > limit:
            page.next_cursor = encode_cursor(sort, page.items[-1], "n")
        return page
    direction, seg, key = decode_cursor(cursor, sort)
    if direction == "n":
        rows = _fetch(qs, sort, seg, key, False, limit + 1)
        page.items = rows[:limit]
        if page.items:
            page.prev_cursor = encode_cursor(sort, page.items[0], "p")
        if len(rows) > limit:
            page.next_cursor = encode_cursor(sort, page.items[-1], "n")
        return page
    rows = _fetch(qs, sort, seg, key, True, limit + 1)
    if not rows:
        return incident_queue(user, params, limit=limit)
    page.items = list(reversed(rows[:limit]))
    page.next_cursor = encode_cursor(sort, page.items[-1], "n")
    if len(rows) > limit:
        page.prev_cursor = encode_cursor(sort, page.items[0], "p")
    return page


# --- counts --------------------------------------------------------------------------------------


def _scope_key(user) -> str:
    # Two users whose visibility compiles to the same SQL see the same reports,
    # so they may share the cached counts; nothing about the rule is repeated here.
    sql, sql_params = incidents_visible_to(user).query.sql_with_params()
    return "desk:counts:" + hashlib.sha256(repr((sql, sql_params)).encode()).hexdigest()


def status_counts(user) -> dict:
    """Reports per status among those the user may see, plus `overdue` and `open`.

    Grouped counts over the user's scope, kept in the shared cache: the open
    statuses and the overdue count (what a desk acts on; index-backed and
    small) for COUNTS_TTL seconds, the closed statuses (most of a million
    rows, changing slowly) for CLOSED_COUNTS_TTL. The queue pages themselves
    never count."""
    key = _scope_key(user)
    counts = cache.get(key)
    if counts is None:
        qs = incidents_visible_to(user).order_by()
        open_values = [str(s) for s in OPEN_STATUSES]
        counts = {s: 0 for s in Status.values}
        closed = cache.get(key + ":closed")
        if closed is None:
            closed = dict(
                qs.exclude(status__in=open_values)
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
            cache.set(key + ":closed", closed, CLOSED_COUNTS_TTL)
        counts.update(closed)
        counts.update(
            dict(
                qs.filter(status__in=open_values)
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
        )
        # due_at is only set while a report is open (see Incident.due_at), so
        # this is an index-only count on the partial due-time index.
        counts["overdue"] = qs.filter(due_at__lt=timezone.now()).count()
        # Few rows, on a partial index: the koordinator's pending requests.
        counts["assignment_requested"] = qs.filter(assignment_requested_at__isnull=False).count()
        counts["open"] = sum(counts[s] for s in open_values)
        cache.set(key, counts, COUNTS_TTL)
    return counts


def due_state(incident, now=None) -> str:
    """ "overdue", "soon" or "" for the deadline that runs in the current status."""
    return {"overdue": "overdue", "due_soon": "soon"}.get(sla.sla_state(incident, now=now) or "", "")
