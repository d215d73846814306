"""Desk pages for a reporter's data request: find, export, erase.

Koordinator and admin only (permissions.can_handle_personal_data); every
search, export and erasure is audited."""

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents import permissions
from incidents.desk.views.common import desk_page, desk_required
from incidents.privacy import services
from incidents.privacy.forms import EraseForm, ReporterLookupForm
from incidents.privacy.selectors import reports_of_reporter
from kitaaman.http import client_ip


def personal_data_view(method_required):
    """A desk page for those who may handle personal data (403 for others),
    once the request's method passed `method_required`."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not permissions.can_handle_personal_data(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return desk_required(method_required(checked))

    return decorate


def _found(form):
    return reports_of_reporter(email=form.cleaned_data.get("email", ""), phone=form.cleaned_data.get("telepon", ""))


def _render(request, form, reports, *, erase_form=None, status=200):
    return desk_page(
        request,
        "incidents/desk/privacy.html",
        {"form": form, "reports": reports, "erase_form": erase_form or EraseForm(initial=form.data or None)},
        status=status,
    )


@personal_data_view(require_GET)
def lookup(request):
    if not request.GET:
        return _render(request, ReporterLookupForm(), None)
    form = ReporterLookupForm(request.GET)
    if not form.is_valid():
        return _render(request, form, None)
    reports = _found(form)
    services.subject_search_record(actor=request.user, found=reports, ip=client_ip(request))
    return _render(request, form, reports)


@personal_data_view(require_POST)
def export(request):
    form = ReporterLookupForm(request.POST)
    if not form.is_valid():
        return _render(request, form, None)
    data = services.reporter_data_export(
        actor=request.user, incidents=_found(form), ip=client_ip(request), phone=form.cleaned_data.get("telepon", "")
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-pelapor-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@personal_data_view(require_POST)
def erase(request):
    form = EraseForm(request.POST)
    if not form.is_valid():
        lookup_form = ReporterLookupForm(request.POST)
        reports = _found(lookup_form) if lookup_form.is_valid() else None
        return _render(request, lookup_form, reports, erase_form=form)
    count = services.reporter_data_erase(
        incidents=_found(form),
        actor=request.user,
        ip=client_ip(request),
        email=form.cleaned_data.get("email", ""),
        phone=form.cleaned_data.get("telepon", ""),
    )
    messages.success(request, _("Data pribadi pelapor dihapus dari %(n)s laporan.") % {"n": count})
    return redirect("desk:privacy")
