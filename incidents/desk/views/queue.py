"""The desk queue (/petugas/): filters, counts and keyset pages of reports."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.desk import queue
from incidents.desk.filters import FILTER_NAMES, OPEN_ALIAS, IncidentFilter
from incidents.desk.forms import (
    BulkForm,
    ExportForm,
)
from incidents.desk.views.common import _age, _messages_from, _page, desk_required
from incidents.intake.tracking import looks_like_tracking_code
from incidents.models import Priority, Status
from incidents.selectors import incident_find_for_user


def _rows(items, now, checkbox=False):
    """Row data computed here rather than in template tags: 50 rows of
    template filters and {% url %} cost more than the query behind them."""
    tz = timezone.get_current_timezone()
    months = [str(MONTHS_3[i]).title() for i in range(1, 13)]
    detail = reverse("desk:detail", args=[987654321]).replace("987654321", "{}")

    def short(dt, year=False):
        local = dt.astimezone(tz)
        text = f"{local.day} {months[local.month - 1]}"
        if year:
            text += f" {local.year}"
        return f"{text} {local:%H.%M} WIB"

    # Lazy labels translated once per page, not once per row.
    labels = {
        "status": {k: str(v) for k, v in Status.choices},
        "priority": {k: str(v) for k, v in Priority.choices},
        "kec": _("Kec."),
        "overdue": _("Terlambat"),
        "soon": _("Segera"),
        "requested": _("Menunggu penugasan"),
        # Column names repeated on each cell: a phone shows a row as a card.
        "col": {
            "category": _("Kategori"),
            "location": _("Lokasi"),
            "age": _("Umur"),
            "priority": _("Prioritas"),
            "status": _("Status"),
            "due": _("Batas waktu"),
            "agency": _("Instansi"),
        },
    }
    rows = []
    for incident in items:
        row = {
            "incident": incident,
            "url": detail.format(incident.pk),
            "check_value": f"{incident.pk}:{incident.version}",
            "summary": (incident.title or incident.description)[:60],
            "summary_is_title": bool(incident.title),
            "age": _age((now - incident.created_at).total_seconds()),
            "created_iso": incident.created_at.isoformat(),
            "created_full": short(incident.created_at, year=True),
            "priority_label": Priority(incident.priority).label,
            "status_label": Status(incident.status).label,
            "due_text": short(incident.due_at) if incident.due_at else "",
            "due_state": queue.due_state(incident, now=now),
            "agencies": [str(a.agency) for a in incident.assignments.all()],
        }
        row["html"] = _row_html(row, checkbox, labels)
        rows.append(row)
    return rows


def _row_html(row, checkbox, labels):
    """One queue row as HTML, built here: fifty rows of template nodes cost
    more than the database query behind the page."""
    i, state = row["incident"], row["due_state"]
    if row["due_text"]:
        label = labels.get(state) if state in ("overdue", "soon") else None
        css = {"overdue": "overdue", "soon": "due-soon"}.get(state, "")
        due = format_html('<span class="{}">{}</span>', css, row["due_text"])
        if label:
            due += format_html('<div class="small {}">{}</div>', css, label)
    else:
        due = mark_safe('<span class="muted">—</span>')
    agencies = format_html_join(" ", '<span class="badge">{}</span>', ((a,) for a in row["agencies"])) or mark_safe(
        '<span class="muted">—</span>'
    )
    if i.assignment_requested_at is not None:
        agencies += format_html(' <span class="badge badge-request">{}</span>', labels["requested"])
    check = (
        format_html(
            '<td class="c-check"><input type="checkbox" name="pilih" value="{}" aria-label="{}"></td>',
            row["check_value"],
            i.tracking_code,
        )
        if checkbox
        else ""
    )
    col = labels["col"]
    return format_html(
        '<tr class="{}">{}<td class="c-code"><a href="{}" class="code">{}</a><div class="small{}">{}</div></td>'
        '<td class="c-cat" data-label="{}">{}</td><td class="c-loc" data-label="{}">{}<div class="small muted">{} {}</div></td>'
        '<td class="c-age" data-label="{}"><time datetime="{}" title="{}">{}</time></td>'
        '<td class="c-prio" data-label="{}"><span class="prio prio-{}">{}</span></td>'
        '<td class="c-status" data-label="{}"><span class="badge status-{}">{}</span></td>'
        '<td class="c-due{}" data-label="{}">{}</td><td class="c-agency{}" data-label="{}">{}</td></tr>',
        {"overdue": "row-overdue", "soon": "row-soon"}.get(state, ""),
        check,
        row["url"],
        i.tracking_code,
        "" if row["summary_is_title"] else " muted",
        row["summary"],
        col["category"],
        i.category.name,
        col["location"],
        i.desa.name,
        labels["kec"],
        i.kecamatan.name,
        col["age"],
        row["created_iso"],
        row["created_full"],
        row["age"],
        col["priority"],
        i.priority,
        row["priority_label"],
        col["status"],
        i.status,
        row["status_label"],
        "" if row["due_text"] else " is-empty",
        col["due"],
        due,
        "" if (row["agencies"] or i.assignment_requested_at) else " is-empty",
        col["agency"],
        agencies,
    )


CHOICES_TTL = 300  # reference lists an admin rarely edits


def _choices(form, name):
    """(value, label, selected) for a filter select, rendered by a plain loop
    (Django's widget templates render each option through a template). The
    lists of categories, desa and agencies are cached for a few minutes."""
    field = form.fields[name]
    options = None
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        sql, params = queryset.query.sql_with_params()
        key = "desk:choices:" + hashlib.sha256(repr((name, get_language(), sql, params)).encode()).hexdigest()
        options = cache.get(key)
        if options is None:
            options = [(str(v), str(label)) for v, label in field.choices]
            cache.set(key, options, CHOICES_TTL)
    else:
        options = [(str(v), str(label)) for v, label in field.choices]
    current = form[name].value() if form.is_bound else form.initial.get(name)
    current = "" if current in (None, False) else str(current)
    return [(value, label, value == current) for value, label in options]


def _exact_code_match(user, params):
    """The report whose tracking code was typed into the search, if the user may
    see it. A code of a report they may not see finds nothing, exactly like a
    code that does not exist."""
    code = looks_like_tracking_code(params.get("q") or "")
    return incident_find_for_user(user, code) if code else None


FILTER_SELECTS = ("status", "category", "kecamatan", "desa", "agency", "priority", "channel", "sort")
INVALID_FILTERS = gettext_lazy("Sebagian saringan tidak valid dan diabaikan. Periksa isian yang ditandai.")


def queue_filters(request):
    """The queue's filter form for this request and its cleaned params ({} when
    there are none or they are invalid), plus whether they were valid. The
    queue, its map and the map's GeoJSON all read their filters here."""
    has_filters = any(k in request.GET for k in QUEUE_KEYS)
    filters = IncidentFilter(request.GET if has_filters else None, user=request.user)
    if not has_filters:
        return filters.form, {}, True
    if filters.is_valid():
        return filters.form, filters.to_params(), True
    return filters.form, {}, False


def filter_selects(form):
    return {name: _choices(form, name) for name in FILTER_SELECTS}


@desk_required
def home(request):
    user = request.user
    form, params, valid = queue_filters(request)
    if not valid:
        messages.error(request, INVALID_FILTERS)
    cursor = request.GET.get("cursor") or None
    found = _exact_code_match(user, params) if not cursor else None
    if found is not None:
        return redirect("desk:detail", found.pk)
    try:
        page = queue.incident_queue(user, params, cursor=cursor)
    except queue.InvalidCursor:
        messages.warning(request, _("Tautan halaman tidak valid atau kedaluwarsa. Ditampilkan halaman pertama."))
        page = queue.incident_queue(user, params)
    except ValidationError as exc:
        for text in _messages_from(exc):
            messages.error(request, text)
        params = {}
        page = queue.incident_queue(user, params)
    now = timezone.now()

    def link(**extra):
        return "?" + urlencode({**params, **extra})

    counts = queue.status_counts(user)
    status_tabs = [
        {"value": OPEN_ALIAS, "label": _("Masih berjalan"), "count": counts["open"]},
        *[{"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status],
    ]
    base = {k: v for k, v in params.items() if k != "status"}
    for tab in status_tabs:
        tab["url"] = "?" + urlencode({**base, "status": tab["value"]})
        tab["active"] = params.get("status") == tab["value"]
    can_write = permissions.can_write(user)
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.items, now, checkbox=can_write and permissions.can_create(user)),
        "params": params,
        "status_tabs": status_tabs,
        "overdue_count": counts["overdue"],
        "overdue_url": "?" + urlencode({**params, "overdue": "1"}),
        "requested_count": counts["assignment_requested"],
        "requested_url": "?" + urlencode({**base, "assignment_requested": "1"}),
        "map_url": reverse("desk:map") + ("?" + urlencode(params) if params else ""),
        "active_filters": len([k for k in params if k != "sort"]),
        "all_url": reverse("desk:home"),
        "next_url": link(cursor=page.next_cursor) if page.next_cursor else None,
        "prev_url": link(cursor=page.prev_cursor) if page.prev_cursor else None,
        "can_write": can_write,
        "can_bulk": can_write and (permissions.can_create(user)),
        "can_bulk_assign": permissions.is_koordinator(user),
        "can_create": permissions.can_create(user),
        "export_form": ExportForm(),
        "current_url": request.get_full_path(),
        "selects": filter_selects(form),
        "agency_choices": [(v, label) for v, label, _sel in _choices(BulkForm(), "agency") if v],
        "read_only": not can_write,
    }
    return _page(request, "incidents/desk/home.html", context)


QUEUE_KEYS = (*FILTER_NAMES, "sort", "cursor")
