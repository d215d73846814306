"""Desk forms that change one report; each calls one workflow service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents.desk.forms import ArrivalForm, AssignForm, AssignmentCompleteForm, NoteForm, TransitionForm, TriageForm
from incidents.desk.views.common import CONFLICT_MESSAGE, desk_required, detail_url, messages_from
from incidents.desk.views.detail import render_detail
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import Status
from incidents.notify.reach import agency_unreachable_warning
from incidents.selectors import incident_get_for_user
from incidents.workflow.services import (
    assign_check,
    assignment_complete,
    complete_check,
    incident_assign,
    incident_note_add,
    incident_transition,
    incident_update,
    note_check,
    transition_check,
    update_check,
)
from kitaaman.form_errors import errors_onto_form


def load_for_write(request, pk, check, *args):
    """The report (404 outside the user's scope), after the service's own
    check of who may (403 whatever the form says)."""
    incident = incident_get_for_user(request.user, pk)
    check(request.user, incident, *args)
    return incident


def action_run(request, incident, action, *, form=None, form_key=None, success=None):
    """Call a service; map its errors onto the page. Returns a response."""
    try:
        action()
    except VersionConflict:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect(detail_url(incident))
    except TransitionNotAllowed as exc:
        allowed = ", ".join(str(Status(s).label) for s in exc.allowed) or _("tidak ada")
        messages.error(
            request,
            _("Perubahan status ini tidak dapat dilakukan sekarang. Yang dapat dilakukan: %(allowed)s.")
            % {"allowed": allowed},
        )
        return redirect(detail_url(incident))
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            errors_onto_form(form, exc)
        else:
            for text in messages_from(exc):
                messages.error(request, text)
            return redirect(detail_url(incident))
        messages.error(request, _("Periksa kembali isian yang ditandai."))
        fresh = incident_get_for_user(request.user, incident.pk)
        return render_detail(request, fresh, status=400, **{form_key: form})
    if success:
        messages.success(request, success)
    return redirect(detail_url(incident))


def form_invalid(request, incident, form_key, form):
    messages.error(request, _("Periksa kembali isian yang ditandai."))
    return render_detail(request, incident, status=400, **{form_key: form})


def form_action(request, incident, form, form_key, action, success):
    """A desk form's action: an invalid form is shown again under `form_key`;
    a valid one runs `action(cleaned_data)` through action_run, and `success`
    (a message, or a function of the cleaned data giving one) is shown after."""
    if not form.is_valid():
        return form_invalid(request, incident, form_key, form)
    data = form.cleaned_data
    return action_run(
        request,
        incident,
        lambda: action(data),
        form=form,
        form_key=form_key,
        success=success(data) if callable(success) else success,
    )


@require_POST
@desk_required
def transition(request, pk):
    incident = incident_get_for_user(request.user, pk)
    transition_check(request.user, incident)
    # Each transition's form on the page has its own prefix ("t-<status>").
    prefix = next((k[:-3] for k in request.POST if k.startswith("t-") and k.endswith("-to")), None)
    form = TransitionForm(request.POST, prefix=prefix)
    target = form["to"].value() or ""
    key = "duplicate_form" if target == Status.DUPLIKAT else "transition_form"
    if form.is_valid():
        transition_check(request.user, incident, target)
    return form_action(
        request,
        incident,
        form,
        key,
        lambda data: incident_transition(
            incident=incident,
            actor=request.user,
            to=data["to"],
            note=data["note"],
            public=form.is_public,
            version=data["version"],
            duplicate_of=data.get("duplicate_of") or None,
        ),
        lambda data: (
            _("Status laporan diubah menjadi %(status)s.")
            % {"status": Status(data["to"]).label if data["to"] in Status.values else data["to"]}
        ),
    )


@require_POST
@desk_required
def assign(request, pk):
    incident = load_for_write(request, pk, lambda user, _incident: assign_check(user))
    form = AssignForm(request.POST, incident=incident)
    done = []
    response = form_action(
        request,
        incident,
        form,
        "assign_form",
        lambda data: done.append(
            incident_assign(
                incident=incident, actor=request.user, agency=data["agency"], note=data["note"], version=data["version"]
            )
        ),
        lambda data: _("Laporan ditugaskan ke %(agency)s.") % {"agency": data["agency"]},
    )
    if done and (warning := agency_unreachable_warning(form.cleaned_data["agency"])):
        messages.warning(request, warning)
    return response


@require_POST
@desk_required
def note(request, pk):
    incident = load_for_write(request, pk, note_check)
    form = NoteForm(request.POST)
    return form_action(
        request,
        incident,
        form,
        "note_form",
        lambda data: incident_note_add(incident=incident, actor=request.user, text=data["text"], public=form.is_public),
        lambda data: _("Catatan publik ditambahkan.") if form.is_public else _("Catatan internal ditambahkan."),
    )


@require_POST
@desk_required
def update(request, pk):
    incident = load_for_write(request, pk, update_check, ["priority"])
    form = TriageForm(request.POST, incident=incident)
    return form_action(
        request,
        incident,
        form,
        "triage_form",
        lambda data: incident_update(incident=incident, actor=request.user, version=data["version"], **form.changes()),
        _("Data laporan disimpan."),
    )


@require_POST
@desk_required
def arrival(request, pk):
    incident = load_for_write(request, pk, update_check, ["arrived_at"])
    form = ArrivalForm(request.POST)
    return form_action(
        request,
        incident,
        form,
        "arrival_form",
        lambda data: incident_update(
            incident=incident, actor=request.user, version=data["version"], arrived_at=data["arrived_at"]
        ),
        _("Waktu tiba di lokasi dicatat."),
    )


@require_POST
@desk_required
def assignment_done(request, pk, assignment_pk):
    incident = incident_get_for_user(request.user, pk)
    assignment = next((a for a in incident.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    complete_check(request.user, assignment)
    form = AssignmentCompleteForm(request.POST, prefix=f"a-{assignment.pk}")
    if not form.is_valid():
        messages.error(request, _("Periksa kembali isian yang ditandai."))
        return render_detail(request, incident, status=400, complete_form=form, complete_for=assignment.pk)
    try:
        assignment_complete(assignment=assignment, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        for text in messages_from(exc):
            messages.error(request, text)
        return redirect(detail_url(incident))
    messages.success(request, _("Tugas %(agency)s dinyatakan selesai.") % {"agency": assignment.agency})
    return redirect(detail_url(incident))
