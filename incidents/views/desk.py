"""Satpol PP desk pages (/petugas/).

Every page starts from `incidents_visible_to(user)` (directly or through
`incident_get_for_user` / the queue), so a report outside the user's area is
a 404; every write goes through a service, and a write the user may not do
is a 403. Forms carry the report's `version`: a stale one changes nothing and
says so.
"""

import hashlib
import math
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitaaman.localized import choice_label, localized

from .. import export as exports
from .. import permissions, queue, services, workflow
from ..exceptions import TransitionNotAllowed, VersionConflict
from ..forms_desk import (
    ArrivalForm,
    AssignForm,
    AssignmentCompleteForm,
    BulkForm,
    ExportForm,
    NoteForm,
    StaffReportForm,
    TransitionForm,
    TriageForm,
)
from ..models import OPEN_STATUSES, Agency, Category, Desa, Kecamatan, Priority, Status
from ..selectors import events_for_user, incident_get_for_user, incidents_visible_to

CONFLICT_MESSAGE = gettext_lazy(
    "Laporan ini baru saja diubah oleh petugas lain. Tidak ada yang disimpan dari tindakan Anda: "
    "periksa data terbaru di bawah, lalu ulangi bila masih perlu."
)
DUPLICATE_RADIUS_KM = 1.0
DUPLICATE_WINDOW = timedelta(days=7)


def desk_required(view):
    """Signed-in staff only: anonymous visitors go to the login page, other
    accounts get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_desk_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template, context, status=200):
    context.setdefault("can_create", permissions.can_create(request.user))
    return render(request, template, context, status=status)


def _detail_answers(incident):
    answers = []
    for q in incident.category.questions or []:
        value = (incident.details or {}).get(q["code"])
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            value = _("ya") if value else _("tidak")
        elif q.get("type") == "choice":
            value = {str(c[0]): choice_label(c) for c in q.get("choices", [])}.get(str(value), value)
        answers.append((localized(q, "label"), value))
    return answers


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def _detail_url(incident):
    return reverse("desk:detail", args=[incident.pk])


def _messages_from(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- queue ---------------------------------------------------------------------------------------


def _age(seconds: float) -> str:
    """ "3 jam lalu": the largest unit only, which is what a queue needs."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("baru saja")
    if minutes < 60:
        return ngettext("%(n)d menit lalu", "%(n)d menit lalu", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d jam lalu", "%(n)d jam lalu", hours) % {"n": hours}
    days = hours // 24
    if days < 60:
        return ngettext("%(n)d hari lalu", "%(n)d hari lalu", days) % {"n": days}
    months = days // 30
    if months < 24:
        return ngettext("%(n)d bulan lalu", "%(n)d bulan lalu", months) % {"n": months}
    return ngettext("%(n)d tahun lalu", "%(n)d tahun lalu", days // 365) % {"n": days // 365}


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
    check = (
        format_html(
            '<td><input type="checkbox" name="pilih" value="{}" aria-label="{}"></td>',
            row["check_value"],
            i.tracking_code,
        )
        if checkbox
        else ""
    )
    return format_html(
        '<tr class="{}">{}<td><a href="{}" class="code">{}</a><div class="small{}">{}</div></td>'
        '<td>{}</td><td>{}<div class="small muted">{} {}</div></td>'
        '<td><time datetime="{}" title="{}">{}</time></td>'
        '<td><span class="prio prio-{}">{}</span></td><td><span class="badge status-{}">{}</span></td>'
        "<td>{}</td><td>{}</td></tr>",
        {"overdue": "row-overdue", "soon": "row-soon"}.get(state, ""),
        check,
        row["url"],
        i.tracking_code,
        "" if row["summary_is_title"] else " muted",
        row["summary"],
        i.category.name,
        i.desa.name,
        labels["kec"],
        i.kecamatan.name,
        row["created_iso"],
        row["created_full"],
        row["age"],
        i.priority,
        row["priority_label"],
        i.status,
        row["status_label"],
        due,
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


@desk_required
def home(request):
    user = request.user
    has_filters = any(k in request.GET for k in QUEUE_KEYS)
    form = queue.QueueFilterForm(request.GET if has_filters else None, user=user)
    params = {}
    if has_filters and form.is_valid():
        params = form.to_params()
    elif has_filters:
        messages.error(request, _("Sebagian saringan tidak valid dan diabaikan. Periksa isian yang ditandai."))
    cursor = request.GET.get("cursor") or None
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
        {"value": queue.OPEN_ALIAS, "label": _("Masih berjalan"), "count": counts["open"]},
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
        "all_url": reverse("desk:home"),
        "next_url": link(cursor=page.next_cursor) if page.next_cursor else None,
        "prev_url": link(cursor=page.prev_cursor) if page.prev_cursor else None,
        "can_write": can_write,
        "can_bulk": can_write and (permissions.can_create(user)),
        "can_bulk_assign": permissions.is_koordinator(user),
        "can_create": permissions.can_create(user),
        "export_form": ExportForm(),
        "current_url": request.get_full_path(),
        "selects": {
            name: _choices(form, name)
            for name in ("status", "category", "kecamatan", "desa", "agency", "priority", "sort")
        },
        "agency_choices": [(v, label) for v, label, _sel in _choices(BulkForm(), "agency") if v],
        "read_only": not can_write,
    }
    return _page(request, "incidents/desk/home.html", context)


QUEUE_KEYS = (
    "q",
    "status",
    "category",
    "kecamatan",
    "desa",
    "agency",
    "priority",
    "overdue",
    "created_after",
    "created_before",
    "sort",
    "cursor",
)


# --- detail --------------------------------------------------------------------------------------


def _haversine_km(lat1, lng1, lat2, lng2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def possible_duplicates(user, incident, limit=10):
    """Open reports of the same category, within ~1 km or in the same desa,
    created within 7 days of this one, among those the user may see."""
    if incident.status not in OPEN_STATUSES:
        return []
    near = Q(desa_id=incident.desa_id)
    if incident.lat is not None and incident.lng is not None:
        dlat = DUPLICATE_RADIUS_KM / 111.0
        dlng = DUPLICATE_RADIUS_KM / (111.0 * max(math.cos(math.radians(incident.lat)), 0.1))
        near |= Q(
            lat__range=(incident.lat - dlat, incident.lat + dlat), lng__range=(incident.lng - dlng, incident.lng + dlng)
        )
    candidates = (
        incidents_visible_to(user)
        .filter(
            near,
            category_id=incident.category_id,
            status__in=OPEN_STATUSES,
            created_at__gte=incident.created_at - DUPLICATE_WINDOW,
            created_at__lte=incident.created_at + DUPLICATE_WINDOW,
        )
        .exclude(pk=incident.pk)
        .select_related("desa", "category")
        .order_by("created_at")[: limit * 3]
    )
    found = []
    for other in candidates:
        distance = None
        if None not in (incident.lat, incident.lng, other.lat, other.lng):
            distance = _haversine_km(incident.lat, incident.lng, other.lat, other.lng)
        if other.desa_id != incident.desa_id and (distance is None or distance > DUPLICATE_RADIUS_KM):
            continue
        found.append({"incident": other, "distance_m": None if distance is None else round(distance * 1000)})
        if len(found) >= limit:
            break
    return found


def _transition_forms(user, incident, bound=None):
    forms = []
    for target in permissions.allowed_transitions(user, incident):
        rule = workflow.get_transition(incident.status, target)
        if rule.needs_original:
            continue  # offered next to each possible duplicate instead
        if bound is not None and bound["to"].value() == target:
            form = bound
        else:
            form = TransitionForm(initial={"to": target, "version": incident.version}, prefix=f"t-{target}")
        forms.append({"target": target, "rule": rule, "form": form, "status_label": Status(target).label})
    return forms


def _render_detail(request, incident, *, show_identity=False, status=200, **bound):
    user = request.user
    can_edit = permissions.can_edit(user, incident)
    editable = permissions.editable_fields(user, incident)
    identity_allowed = permissions.can_see_identity(user, incident)
    identity_needs_reveal = identity_allowed and permissions.identity_view_is_audited(user, incident)
    allowed = permissions.allowed_transitions(user, incident)
    assignments = list(incident.assignments.all())
    context = {
        "incident": incident,
        "version": incident.version,
        "detail_answers": _detail_answers(incident),
        "events": events_for_user(user, incident),
        "photos": list(incident.photos.all()),
        "assignments": [
            {
                "assignment": a,
                "can_complete": permissions.can_complete_assignment(user, a) and incident.status in OPEN_STATUSES,
                "form": bound.get("complete_form")
                if bound.get("complete_for") == a.pk
                else AssignmentCompleteForm(prefix=f"a-{a.pk}"),
            }
            for a in assignments
        ],
        "transition_forms": _transition_forms(user, incident, bound.get("transition_form")),
        "can_mark_duplicate": "duplikat" in allowed,
        "duplicates": possible_duplicates(user, incident),
        "duplicate_form": bound.get("duplicate_form"),
        "assign_form": (
            bound.get("assign_form") or AssignForm(incident=incident, initial={"version": incident.version})
        )
        if permissions.can_assign(user, incident)
        else None,
        "note_form": (bound.get("note_form") or NoteForm()) if permissions.can_add_note(user, incident) else None,
        "triage_form": (bound.get("triage_form") or TriageForm(incident=incident)) if can_edit else None,
        "arrival_form": (
            bound.get("arrival_form")
            or ArrivalForm(
                initial={
                    "version": incident.version,
                    "arrived_at": timezone.localtime().replace(second=0, microsecond=0),
                }
            )
        )
        if (not can_edit and "arrived_at" in editable and incident.category.group == Category.Group.KEBAKARAN)
        else None,
        "show_identity": identity_allowed and (show_identity or not identity_needs_reveal),
        "identity_needs_reveal": identity_needs_reveal and not show_identity,
        "sla_state": queue.due_state(incident),
        "read_only": not permissions.can_write(user),
        "map_point": {"lat": incident.lat, "lng": incident.lng, "code": incident.tracking_code}
        if incident.lat is not None
        else {"lat": incident.desa.lat, "lng": incident.desa.lng, "code": incident.tracking_code, "approx": True},
    }
    return _page(request, "incidents/desk/detail.html", context, status=status)


@desk_required
def detail(request, pk):
    incident = incident_get_for_user(request.user, pk)
    return _render_detail(request, incident)


def _load_for_write(request, pk):
    incident = incident_get_for_user(request.user, pk)
    if not permissions.can_write(request.user):
        raise PermissionDenied
    return incident


def _run(request, incident, action, *, form=None, form_key=None, success=None):
    """Call a service; map its errors onto the page. Returns a response."""
    try:
        action()
    except VersionConflict:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect(_detail_url(incident))
    except TransitionNotAllowed as exc:
        allowed = ", ".join(str(Status(s).label) for s in exc.allowed) or _("tidak ada")
        messages.error(
            request,
            _("Perubahan status ini tidak dapat dilakukan sekarang. Yang dapat dilakukan: %(allowed)s.")
            % {"allowed": allowed},
        )
        return redirect(_detail_url(incident))
    except ValidationError as exc:
        if form is not None and hasattr(exc, "message_dict"):
            for name, msgs in exc.message_dict.items():
                target = name if name in form.fields else None
                for text in msgs:
                    form.add_error(target, text)
        else:
            for text in _messages_from(exc):
                messages.error(request, text)
            return redirect(_detail_url(incident))
        messages.error(request, _("Periksa kembali isian yang ditandai."))
        fresh = incident_get_for_user(request.user, incident.pk)
        return _render_detail(request, fresh, status=400, **{form_key: form})
    if success:
        messages.success(request, success)
    return redirect(_detail_url(incident))


def _invalid(request, incident, form_key, form):
    messages.error(request, _("Periksa kembali isian yang ditandai."))
    return _render_detail(request, incident, status=400, **{form_key: form})


@require_POST
@desk_required
def transition(request, pk):
    incident = _load_for_write(request, pk)
    # Each transition's form on the page has its own prefix ("t-<status>").
    prefix = next((k[:-3] for k in request.POST if k.startswith("t-") and k.endswith("-to")), None)
    form = TransitionForm(request.POST, prefix=prefix)
    target = form["to"].value() or ""
    key = "duplicate_form" if target == Status.DUPLIKAT else "transition_form"
    if not form.is_valid():
        return _invalid(request, incident, key, form)
    if not permissions.can_edit(request.user, incident):
        raise PermissionDenied
    if workflow.get_transition(incident.status, target) and not permissions.transition_roles_ok(
        request.user, incident, target
    ):
        raise PermissionDenied
    data = form.cleaned_data
    label = Status(data["to"]).label if data["to"] in Status.values else data["to"]
    return _run(
        request,
        incident,
        lambda: services.incident_transition(
            incident=incident,
            actor=request.user,
            to=data["to"],
            note=data["note"],
            public=form.is_public,
            version=data["version"],
            duplicate_of=data.get("duplicate_of") or None,
        ),
        form=form,
        form_key=key,
        success=_("Status laporan diubah menjadi %(status)s.") % {"status": label},
    )


@require_POST
@desk_required
def assign(request, pk):
    incident = _load_for_write(request, pk)
    if not permissions.is_koordinator(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST, incident=incident)
    if not form.is_valid():
        return _invalid(request, incident, "assign_form", form)
    data = form.cleaned_data
    return _run(
        request,
        incident,
        lambda: services.incident_assign(
            incident=incident, actor=request.user, agency=data["agency"], note=data["note"], version=data["version"]
        ),
        form=form,
        form_key="assign_form",
        success=_("Laporan ditugaskan ke %(agency)s.") % {"agency": data["agency"]},
    )


@require_POST
@desk_required
def note(request, pk):
    incident = _load_for_write(request, pk)
    if not permissions.can_add_note(request.user, incident):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "note_form", form)
    return _run(
        request,
        incident,
        lambda: services.incident_note_add(
            incident=incident, actor=request.user, text=form.cleaned_data["text"], public=form.is_public
        ),
        form=form,
        form_key="note_form",
        success=_("Catatan publik ditambahkan.") if form.is_public else _("Catatan internal ditambahkan."),
    )


@require_POST
@desk_required
def update(request, pk):
    incident = _load_for_write(request, pk)
    if not permissions.can_edit(request.user, incident):
        raise PermissionDenied
    form = TriageForm(request.POST, incident=incident)
    if not form.is_valid():
        return _invalid(request, incident, "triage_form", form)
    return _run(
        request,
        incident,
        lambda: services.incident_update(
            incident=incident, actor=request.user, version=form.cleaned_data["version"], **form.changes()
        ),
        form=form,
        form_key="triage_form",
        success=_("Data laporan disimpan."),
    )


@require_POST
@desk_required
def arrival(request, pk):
    incident = _load_for_write(request, pk)
    if "arrived_at" not in permissions.editable_fields(request.user, incident):
        raise PermissionDenied
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "arrival_form", form)
    return _run(
        request,
        incident,
        lambda: services.incident_update(
            incident=incident,
            actor=request.user,
            version=form.cleaned_data["version"],
            arrived_at=form.cleaned_data["arrived_at"],
        ),
        form=form,
        form_key="arrival_form",
        success=_("Waktu tiba di lokasi dicatat."),
    )


@require_POST
@desk_required
def assignment_done(request, pk, assignment_pk):
    incident = _load_for_write(request, pk)
    assignment = next((a for a in incident.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    if not permissions.can_complete_assignment(request.user, assignment):
        raise PermissionDenied
    form = AssignmentCompleteForm(request.POST, prefix=f"a-{assignment.pk}")
    if not form.is_valid():
        messages.error(request, _("Periksa kembali isian yang ditandai."))
        return _render_detail(request, incident, status=400, complete_form=form, complete_for=assignment.pk)
    try:
        services.assignment_complete(assignment=assignment, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        for text in _messages_from(exc):
            messages.error(request, text)
        return redirect(_detail_url(incident))
    messages.success(request, _("Tugas %(agency)s dinyatakan selesai.") % {"agency": assignment.agency})
    return redirect(_detail_url(incident))


@require_POST
@desk_required
def reveal_identity(request, pk):
    incident = incident_get_for_user(request.user, pk)
    if not permissions.can_see_identity(request.user, incident):
        raise PermissionDenied
    services.identity_view_record(user=request.user, incident=incident, ip=_client_ip(request))
    return _render_detail(request, incident, show_identity=True)


@desk_required
def photo(request, pk, photo_pk, size="full"):
    incident = incident_get_for_user(request.user, pk, for_detail=False)
    item = incident.photos.filter(pk=photo_pk).first()
    if item is None:
        raise Http404
    field = item.thumbnail if size == "thumb" else item.image
    try:
        handle = field.open("rb")
    except (OSError, ValueError):
        raise Http404
    content_type = "image/jpeg" if size == "thumb" else (item.content_type or "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- report entered by staff ---------------------------------------------------------------------


@desk_required
def create(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied
    form = StaffReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        desa = data["desa"]
        try:
            incident, _created = services.incident_create(
                category=data["category"],
                description=data["description"],
                title=data["title"],
                desa_code=desa.pk,
                kecamatan_code=data["kecamatan"].pk,
                lat=data.get("lat"),
                lng=data.get("lng"),
                occurred_at=data.get("occurred_at"),
                reported_at=data["reported_at"],
                location_detail=data["location_detail"],
                details=form.details_for(data["category"]),
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                anonymous=data["anonymous"],
                confidential=data["confidential"],
                consent=data["consent"],
                channel=data["channel"],
                created_by=request.user,
            )
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                if name.startswith("details."):
                    field = f"d_{data['category'].code}_{name.split('.', 1)[1]}"
                    name = field if field in form.fields else None
                for text in msgs:
                    form.add_error(name if name in form.fields else None, text)
        else:
            if incidents_visible_to(request.user).filter(pk=incident.pk).exists():
                messages.success(request, _("Laporan %(code)s dicatat.") % {"code": incident.tracking_code})
                return redirect(_detail_url(incident))
            messages.success(
                request,
                _("Laporan %(code)s dicatat. Laporan ini berada di luar wilayah tugas Anda.")
                % {"code": incident.tracking_code},
            )
            return redirect("desk:home")
    status = 400 if request.method == "POST" else 200
    return _page(
        request,
        "incidents/desk/create.html",
        {"form": form},
        status=status,
    )


# --- bulk actions --------------------------------------------------------------------------------


def _safe_next(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("desk:home")


@require_POST
@desk_required
def bulk(request):
    user = request.user
    if not permissions.can_write(user):
        raise PermissionDenied
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(_safe_next(request))
    action = form.cleaned_data["action"]
    if action == "assign" and not permissions.is_koordinator(user):
        raise PermissionDenied
    found = {i.pk: i for i in incidents_visible_to(user).filter(pk__in=[pk for pk, _v in form.items])}
    done, failed = [], []
    for pk, version in form.items:
        incident = found.get(pk)
        if incident is None:
            failed.append((f"#{pk}", _("tidak ditemukan di wilayah Anda")))
            continue
        try:
            if action == "verify":
                services.incident_transition(
                    incident=incident,
                    actor=user,
                    to=Status.DIVERIFIKASI,
                    note=form.cleaned_data["note"],
                    public=form.cleaned_data.get("visibility") == "publik",
                    version=version,
                )
            else:
                services.incident_assign(
                    incident=incident,
                    actor=user,
                    agency=form.cleaned_data["agency"],
                    note=form.cleaned_data["note"],
                    version=version,
                )
            done.append(incident.tracking_code)
        except VersionConflict:
            failed.append((incident.tracking_code, _("baru saja diubah petugas lain")))
        except TransitionNotAllowed:
            failed.append(
                (
                    incident.tracking_code,
                    _("status %(s)s tidak dapat diverifikasi") % {"s": Status(incident.status).label},
                )
            )
        except PermissionDenied:
            failed.append((incident.tracking_code, _("Anda tidak berwenang")))
        except ValidationError as exc:
            failed.append((incident.tracking_code, " ".join(_messages_from(exc))))
    verb = (
        _("diverifikasi")
        if action == "verify"
        else _("ditugaskan ke %(agency)s") % {"agency": form.cleaned_data["agency"]}
    )
    if done:
        messages.success(
            request,
            _("%(n)s laporan berhasil %(verb)s: %(codes)s.") % {"n": len(done), "verb": verb, "codes": ", ".join(done)},
        )
    if failed:
        messages.error(
            request,
            _("%(n)s laporan gagal: %(list)s.")
            % {"n": len(failed), "list": "; ".join(f"{code} ({why})" for code, why in failed)},
        )
    return redirect(_safe_next(request))


# --- exports -------------------------------------------------------------------------------------


@desk_required
def export_list(request):
    if request.method == "POST":
        form = ExportForm(request.POST)
        filter_form = queue.QueueFilterForm(request.POST, user=request.user)
        if not form.is_valid() or not filter_form.is_valid():
            messages.error(request, _("Permintaan ekspor tidak valid."))
            return redirect("desk:exports")
        try:
            exports.export_request(
                user=request.user,
                params=filter_form.to_params(),
                fmt=form.cleaned_data["format"],
                ip=_client_ip(request),
            )
        except ValidationError as exc:
            for text in _messages_from(exc):
                messages.error(request, text)
            return redirect("desk:exports")
        messages.success(
            request, _("Ekspor sedang disiapkan. Halaman ini menampilkan statusnya; muat ulang untuk memperbarui.")
        )
        return redirect("desk:exports")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    jobs = exports.exports_for_user(request.user)
    now = timezone.now()
    for job in jobs:
        job["status_label"] = exports.STATUS_LABELS.get(job["status"], job["status"])
        job["created_dt"] = timezone.datetime.fromisoformat(job["created"])
        job["filter_text"] = _describe_filters(job.get("filters") or {})
        stuck = job["status"] == exports.WAITING and now - job["created_dt"] > timedelta(minutes=5)
        job["can_retry"] = job["status"] == exports.FAILED or stuck
    return _page(request, "incidents/desk/exports.html", {"jobs": jobs})


def _describe_filters(filters: dict) -> str:
    names = {
        "q": _("cari"),
        "status": _("status"),
        "category": _("kategori"),
        "kecamatan": _("kecamatan"),
        "desa": _("desa"),
        "agency": _("instansi"),
        "priority": _("prioritas"),
        "overdue": _("terlambat"),
        "created_after": _("sejak"),
        "created_before": _("sampai"),
        "sort": _("urutan"),
    }
    lookup = {
        "kecamatan": lambda v: str(Kecamatan.objects.filter(pk=v).first() or v),
        "desa": lambda v: str(Desa.objects.filter(pk=v).first() or v),
        "category": lambda v: str(Category.objects.filter(code=v).first() or v),
        "agency": lambda v: str(Agency.objects.filter(code=v).first() or v),
        "status": lambda v: _("masih berjalan") if v == queue.OPEN_ALIAS else dict(Status.choices).get(v, v),
        "priority": lambda v: dict((str(k), label) for k, label in Priority.choices).get(str(v), v),
        "overdue": lambda v: _("ya"),
    }
    parts = [f"{names.get(k, k)}: {lookup.get(k, lambda v: v)(v)}" for k, v in filters.items() if k != "sort"]
    return "; ".join(parts) or _("semua laporan yang dapat Anda lihat")


@require_POST
@desk_required
def export_retry(request, job_id):
    job = exports.export_retry(user=request.user, job_id=job_id)
    if job is None:
        raise Http404
    messages.success(request, _("Ekspor dijadwalkan ulang."))
    return redirect("desk:exports")


@desk_required
def export_download(request, job_id):
    job = exports.job_for_user(request.user, job_id)
    if job is None or job["status"] != exports.DONE:
        raise Http404
    path = exports.job_file(job)
    if not path.exists():
        raise Http404
    created = timezone.localtime(timezone.datetime.fromisoformat(job["created"]))
    filename = f"laporan-kitaaman-{created:%Y%m%d-%H%M}.{job['format']}"
    content_type = (
        "text/csv; charset=utf-8"
        if job["format"] == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
