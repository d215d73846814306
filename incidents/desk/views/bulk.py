"""Bulk actions on reports selected in the queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.desk.bulk import incidents_bulk_assign, incidents_bulk_verify
from incidents.desk.forms import BulkForm
from incidents.desk.views.common import desk_required, safe_next


@require_POST
@desk_required
def bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        if not permissions.can_write(request.user):
            raise PermissionDenied
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(safe_next(request))
    data = form.cleaned_data
    if data["action"] == "verify":
        result = incidents_bulk_verify(
            actor=request.user, items=form.items, note=data["note"], public=data.get("visibility") == "publik"
        )
        verb = _("diverifikasi")
    else:
        result = incidents_bulk_assign(actor=request.user, items=form.items, agency=data["agency"], note=data["note"])
        verb = _("ditugaskan ke %(agency)s") % {"agency": data["agency"]}
    if result.done:
        messages.success(
            request,
            _("%(n)s laporan berhasil %(verb)s: %(codes)s.")
            % {"n": len(result.done), "verb": verb, "codes": ", ".join(result.done)},
        )
    if result.failed:
        messages.error(
            request,
            _("%(n)s laporan gagal: %(list)s.")
            % {"n": len(result.failed), "list": "; ".join(f"{code} ({why})" for code, why in result.failed)},
        )
    return redirect(safe_next(request))
