"""Background exports of the queue: request, list, retry and download."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents.desk import export as exports
from incidents.desk.filters import IncidentFilter
from incidents.desk.forms import ExportForm
from incidents.desk.views.common import desk_page, desk_required, messages_from
from kitaaman.http import client_ip


@desk_required
def export_list(request):
    if request.method == "POST":
        form = ExportForm(request.POST)
        filters = IncidentFilter(request.POST, user=request.user)
        if not form.is_valid() or not filters.is_valid():
            messages.error(request, _("Permintaan ekspor tidak valid."))
            return redirect("desk:exports")
        try:
            exports.export_request(
                user=request.user,
                params=filters.to_params(),
                fmt=form.cleaned_data["format"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for text in messages_from(exc):
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
        job["filter_text"] = _describe_filters(request.user, job.get("filters") or {})
        stuck = job["status"] == exports.WAITING and now - job["created_dt"] > timedelta(minutes=5)
        job["can_retry"] = job["status"] == exports.FAILED or stuck
    return desk_page(request, "incidents/desk/exports.html", {"jobs": jobs})


def _describe_filters(user, params: dict) -> str:
    filters = IncidentFilter(params, user=user)
    if not filters.is_valid():
        # A job from before a filter changed: show what was asked for.
        return "; ".join(f"{name}: {value}" for name, value in params.items())
    return filters.describe()


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
