"""One report on the desk: details, history, identity and photos."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.channels.forms import ReporterMessageForm
from incidents.channels.reporter_messages import reporter_message_check, reporter_unreachable
from incidents.channels.selectors import conversation_for_incident
from incidents.desk import queue
from incidents.desk.duplicates import possible_duplicates
from incidents.desk.forms import (
    ArrivalForm,
    AssignForm,
    AssignmentCompleteForm,
    AssignmentRequestForm,
    NoteForm,
    TransitionForm,
    TriageForm,
)
from incidents.desk.views.common import desk_page, desk_required
from incidents.models import OPEN_STATUSES, Category, Channel, Status
from incidents.selectors import events_for_user, incident_get_for_user
from incidents.workflow import machine as workflow
from incidents.workflow.assignment_request import koordinator_names, pending_assignment_request
from incidents.workflow.services import identity_check, identity_view_record
from kitaaman.http import client_ip
from kitaaman.localized import choice_label, localized


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


def _assignment_request_context(user, incident, bound=None) -> dict:
    """What the page says about routing: that an agency is needed, who assigns,
    a pending request, and the petugas's form to ask for one."""
    pending = pending_assignment_request(incident)
    may_request = permissions.can_request_assignment(user, incident) and incident.status in (
        Status.DIVERIFIKASI,
        Status.DITANGANI,
    )
    form = bound or (
        AssignmentRequestForm(incident=incident, prefix="minta") if may_request and pending is None else None
    )
    needs_agency = incident.status == Status.DIVERIFIKASI and not incident.assignments.all()
    return {
        "needs_agency": needs_agency,
        "pending_request": pending,
        "request_form": form,
        "koordinator_names": koordinator_names() if (needs_agency or form) else [],
    }


def _reporter_message_context(user, incident, bound=None) -> dict:
    """The form to write to the reporter of an SMS/WhatsApp report, or why it cannot be sent."""
    if incident.channel not in (Channel.SMS, Channel.WHATSAPP):
        return {}
    try:
        reporter_message_check(user, incident)
    except PermissionDenied:
        return {}
    why = reporter_unreachable(incident)
    return {"reporter_message_form": None if why else (bound or ReporterMessageForm()), "reporter_unreachable": why}


def render_detail(request, incident, *, show_identity=False, status=200, **bound):
    user = request.user
    can_edit = permissions.can_edit(user, incident)
    editable = permissions.editable_fields(user, incident)
    identity_allowed = permissions.can_see_identity(user, incident)
    identity_needs_reveal = identity_allowed and permissions.identity_view_is_audited(user, incident)
    allowed = permissions.allowed_transitions(user, incident)
    assignments = list(incident.assignments.all())
    routing = _assignment_request_context(user, incident, bound.get("request_form"))
    # The koordinator's form starts on the agency the petugas suggested.
    suggested_agency = (routing["pending_request"].data or {}).get("agency") if routing["pending_request"] else None
    context = {
        **routing,
        "incident": incident,
        "version": incident.version,
        "detail_answers": _detail_answers(incident),
        "events": list(events_for_user(user, incident)),
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
        "can_complete_any": incident.status in OPEN_STATUSES
        and any(permissions.can_complete_assignment(user, a) and not a.completed_at for a in assignments),
        "transition_forms": _transition_forms(user, incident, bound.get("transition_form")),
        "can_mark_duplicate": Status.DUPLIKAT in allowed,
        "duplicates": possible_duplicates(user, incident),
        "duplicate_form": bound.get("duplicate_form"),
        "assign_form": (
            bound.get("assign_form")
            or AssignForm(incident=incident, initial={"version": incident.version, "agency": suggested_agency})
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
    # The SMS/WhatsApp conversation carries the number and the resident's own
    # words: it shows where the reporter's identity does.
    context["conversation"] = conversation_for_incident(incident) if context["show_identity"] else None
    context["can_block_sender"] = permissions.is_koordinator(user)
    context.update(_reporter_message_context(user, incident, bound.get("reporter_message_form")))
    return desk_page(request, "incidents/desk/detail.html", context, status=status)


@desk_required
def detail(request, pk):
    incident = incident_get_for_user(request.user, pk)
    return render_detail(request, incident)


@require_POST
@desk_required
def reveal_identity(request, pk):
    incident = incident_get_for_user(request.user, pk)
    identity_check(request.user, incident)
    identity_view_record(user=request.user, incident=incident, ip=client_ip(request))
    return render_detail(request, incident, show_identity=True)


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
