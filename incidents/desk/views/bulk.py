"""Bulk actions on reports selected in the queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.desk.forms import BulkForm
from incidents.desk.views.common import _messages_from, _safe_next, desk_required
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import Status
from incidents.selectors import incidents_visible_to
from incidents.workflow.services import incident_assign, incident_transition


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
                incident_transition(
                    incident=incident,
                    actor=user,
                    to=Status.DIVERIFIKASI,
                    note=form.cleaned_data["note"],
                    public=form.cleaned_data.get("visibility") == "publik",
                    version=version,
                )
            else:
                incident_assign(
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
