"""The desk queue (/petugas/): filters, counts and keyset pages of reports."""

import hashlib
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.desk import queue
from incidents.desk.filters import FILTER_NAMES, OPEN_ALIAS, IncidentFilter
from incidents.desk.forms import (
    BulkForm,
)
from incidents.desk.views.common import age_label, desk_page, desk_required, messages_from
from incidents.desk.work import ALL_PARAMS, role_default_description, role_default_params
from incidents.intake.tracking import looks_like_tracking_code
from incidents.models import Priority, Status
from incidents.selectors import incident_find_for_user

DUE_CSS = {"overdue": "overdue", "soon": "due-soon"}
ROW_CSS = {"overdue": "row-overdue", "soon": "row-soon"}
NO_VALUE = '<span class="muted">—</span>'


def _row_labels():
    """The words of a row, translated and escaped once per page, not per row."""
    labels = {
        "kec": _("Kec."),
        "overdue": _("Terlambat"),
        "soon": _("Segera"),
        "requested": _("Menunggu penugasan"),
        # Column names repeated on each cell: a phone shows a row as a card.
        "category": _("Kategori"),
        "location": _("Lokasi"),
        "age": _("Umur"),
        "priority": _("Prioritas"),
        "status": _("Status"),
        "due": _("Batas waktu"),
        "agency": _("Instansi"),
    }
    labels = {key: escape(text) for key, text in labels.items()}
    labels["status_of"] = {k: escape(v) for k, v in Status.choices}
    labels["priority_of"] = {k: escape(v) for k, v in Priority.choices}
    return labels


def _rows(items, now, checkbox=False):
    """Row data computed here rather than in template tags: 50 rows of
    template filters and {% url %} cost more than the query behind them.
    `items` are queue.QueueRow values. The texts of a row are HTML already:
    dates and times are built from digits and escaped month names."""
    tz = timezone.get_current_timezone()
    months = [escape(str(MONTHS_3[i]).title()) for i in range(1, 13)]
    detail = reverse("desk:detail", args=[987654321]).replace("987654321", "{}")

    def short(dt, year=False):
        local = dt.astimezone(tz)
        text = f"{local.day} {months[local.month - 1]}"
        if year:
            text += f" {local.year}"
        return f"{text} {local.hour:02d}.{local.minute:02d} WIB"

    labels = _row_labels()
    rows = []
    for incident in items:
        row = {
            "incident": incident,
            "url": detail.format(incident.pk),
            "check_value": f"{incident.pk}:{incident.version}",
            "summary": escape((incident.title or incident.description)[:60]),
            "summary_is_title": bool(incident.title),
            "age": escape(age_label((now - incident.created_at).total_seconds())),
            "created_iso": incident.created_at.isoformat(),
            "created_full": short(incident.created_at, year=True),
            "priority_label": labels["priority_of"][incident.priority],
            "status_label": labels["status_of"][incident.status],
            "due_text": short(incident.due_at) if incident.due_at else "",
            "due_state": queue.due_state(incident, now=now),
            "agencies": incident.agencies,
        }
        row["html"] = mark_safe(_row_html(row, checkbox, labels))
        rows.append(row)
    return rows


def _row_html(row, checkbox, labels):
    """One queue row as HTML, built here: fifty rows of template nodes cost
    more than the database query behind the page. Every value is escaped once
    (html.escape, what Django's escape does); the texts of `row` and the
    labels come escaped."""
    i, state, e = row["incident"], row["due_state"], escape
    code = e(i.tracking_code)
    if row["due_text"]:
        css = DUE_CSS.get(state, "")
        due = f'<span class="{css}">{row["due_text"]}</span>'
        if state in DUE_CSS:
            due += f'<div class="small {css}">{labels[state]}</div>'
    else:
        due = NO_VALUE
    agencies = " ".join(f'<span class="badge">{e(a)}</span>' for a in row["agencies"]) or NO_VALUE
    if i.assignment_requested_at is not None:
        agencies += f' <span class="badge badge-request">{labels["requested"]}</span>'
    check = (
        f'<td class="c-check"><input type="checkbox" name="pilih" value="{row["check_value"]}" aria-label="{code}"></td>'
        if checkbox
        else ""
    )
    return (
        f'<tr class="{ROW_CSS.get(state, "")}">{check}<td class="c-code"><a href="{row["url"]}" class="code">'
        f'{code}</a><div class="small{"" if row["summary_is_title"] else " muted"}">{row["summary"]}'
        f'</div></td><td class="c-cat" data-label="{labels["category"]}">{e(i.category.name)}</td>'
        f'<td class="c-loc" data-label="{labels["location"]}">{e(i.desa_name)}<div class="small muted">'
        f"{labels['kec']} {e(i.kecamatan_name)}</div></td>"
        f'<td class="c-age" data-label="{labels["age"]}"><time datetime="{row["created_iso"]}" '
        f'title="{row["created_full"]}">{row["age"]}</time></td>'
        f'<td class="c-prio" data-label="{labels["priority"]}"><span class="prio prio-{int(i.priority)}">'
        f"{row['priority_label']}</span></td>"
        f'<td class="c-status" data-label="{labels["status"]}"><span class="badge status-{e(i.status)}">'
        f"{row['status_label']}</span></td>"
        f'<td class="c-due{"" if row["due_text"] else " is-empty"}" data-label="{labels["due"]}">{due}</td>'
        f'<td class="c-agency{"" if (row["agencies"] or i.assignment_requested_at) else " is-empty"}" '
        f'data-label="{labels["agency"]}">{agencies}</td></tr>'
    )


CHOICES_TTL = 300  # reference lists an admin rarely edits


def _options(field, *key):
    """(value, label) of a select's options. The lists of categories, desa and
    agencies are cached for a few minutes under `key` (what tells the lists
    apart: the form, the kecamatan it offers, the field) and the language."""
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return [(str(v), str(label)) for v, label in field.choices]
    key = "desk:choices:" + hashlib.sha256(repr((*key, get_language())).encode()).hexdigest()
    options = cache.get(key)
    if options is None:
        options = [(str(v), str(label)) for v, label in field.choices]
        cache.set(key, options, CHOICES_TTL)
    return options


def _options_html(options, current=None):
    """The <option> elements of a select, built here: a template loop over the
    ninety desa costs more than the queue's query. Escaped like {{ }}."""
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == current else ""}>{escape(label)}</option>'
            for value, label in options
        )
    )


def _choices(form, name):
    """The options of a filter select with the current value selected."""
    current = form[name].value() if form.is_bound else form.initial.get(name)
    current = "" if current in (None, False) else str(current)
    scope = getattr(form, "scope", "")  # the kecamatan a petugas is offered (filters._form_class)
    return _options_html(_options(form.fields[name], type(form).__name__, scope, name), current)


def _exact_code_match(user, params):
    """The report whose tracking code was typed into the search, if the user may
    see it. A code of a report they may not see finds nothing, exactly like a
    code that does not exist."""
    code = looks_like_tracking_code(params.get("q") or "")
    return incident_find_for_user(user, code) if code else None


FILTER_SELECTS = ("status", "category", "kecamatan", "desa", "agency", "priority", "channel", "sort")
INVALID_FILTERS = gettext_lazy("Sebagian saringan tidak valid dan diabaikan. Periksa isian yang ditandai.")


def opens_on_role_default(request) -> bool:
    """The address names no filter, sort or page: the role's work is shown (incidents.desk.work)."""
    return not any(k in request.GET for k in QUEUE_KEYS)


def queue_filters(request):
    """The queue's filter form for this request and its cleaned params ({} when
    they are invalid), plus whether they were valid. An address without any
    filter opens on the role's work (`role_default_params`). The queue, its
    map and the map's GeoJSON all read their filters here."""
    data = request.GET
    if opens_on_role_default(request):
        data = QueryDict(mutable=True)
        data.update(role_default_params(request.user))
    filters = IncidentFilter(data, user=request.user)
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
        page = queue.incident_queue(user, params, cursor=cursor, rows_only=True)
    except queue.InvalidCursor:
        messages.warning(request, _("Tautan halaman tidak valid atau kedaluwarsa. Ditampilkan halaman pertama."))
        page = queue.incident_queue(user, params, rows_only=True)
    except ValidationError as exc:
        for text in messages_from(exc):
            messages.error(request, text)
        params = {}
        page = queue.incident_queue(user, params, rows_only=True)
    now = timezone.now()

    def link(**extra):
        return "?" + urlencode({**params, **extra})

    counts = queue.status_counts(user)
    status_tabs = [
        {"value": OPEN_ALIAS, "label": _("Masih berjalan"), "count": counts["open"]},
        *[{"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status],
    ]
    showing_work = opens_on_role_default(request)
    # The role's default is not carried into the tabs: "Selesai" means all closed ones.
    chosen = {} if showing_work else params
    base = {k: v for k, v in chosen.items() if k != "status"}
    for tab in status_tabs:
        tab["url"] = "?" + urlencode({**base, "status": tab["value"]})
        tab["active"] = chosen.get("status") == tab["value"]
    can_write = permissions.can_write(user)
    rows = _rows(page.items, now, checkbox=can_write and permissions.can_create(user))
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        # One string, not a template loop: fifty rows of template nodes.
        "rows_html": mark_safe("".join(row["html"] + "\n" for row in rows)),
        "params": params,
        "status_tabs": status_tabs,
        "overdue_count": counts["overdue"],
        "overdue_url": "?" + urlencode({**chosen, "overdue": "1"}),
        "requested_count": counts["assignment_requested"],
        "requested_url": "?" + urlencode({**base, "assignment_requested": "1"}),
        # The role's default travels as no query; "Semua" as `?status=`.
        "map_url": reverse("desk:map") + ("" if showing_work else "?" + urlencode(params or ALL_PARAMS)),
        "active_filters": len([k for k in params if k != "sort"]),
        "all_url": reverse("desk:home") + "?" + urlencode(ALL_PARAMS),
        "work_url": reverse("desk:home"),
        "showing_work": showing_work,
        "work_description": role_default_description(user) if showing_work else "",
        "showing_all": not chosen and not showing_work,
        "chosen_filters": len([k for k in chosen if k != "sort"]),
        "next_url": link(cursor=page.next_cursor) if page.next_cursor else None,
        "prev_url": link(cursor=page.prev_cursor) if page.prev_cursor else None,
        "can_write": can_write,
        "can_bulk": can_write and (permissions.can_create(user)),
        "can_bulk_assign": permissions.is_koordinator(user),
        "can_create": permissions.can_create(user),
        "current_url": request.get_full_path(),
        "selects": filter_selects(form),
        "agency_options": _options_html(
            [(v, label) for v, label in _options(BulkForm.base_fields["agency"], "BulkForm", "", "agency") if v]
        ),
        "read_only": not can_write,
    }
    return desk_page(request, "incidents/desk/home.html", context)


QUEUE_KEYS = (*FILTER_NAMES, "sort", "cursor")
