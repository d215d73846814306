"""e-SPM export of a quarter (XLSX, CSV) from the dashboard.

Before the file, the gaps: a GET without confirm=1 while something is missing
shows what is missing with where to fill it and an "Unduh tetap" link; with no
gap, or with confirm=1, the file downloads."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import export, services
from ..calculations import ROMAN, make_period
from ..export_gaps import espm_gaps
from .access import spm_viewer_required


def _export_period(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        make_period(year, quarter)
    except (TypeError, ValueError):
        return None
    return year, quarter


FORMATS = {
    "xlsx": (export.espm_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (export.espm_csv, "text/csv; charset=utf-8"),
}


def _export(request, kind):
    period = _export_period(request)
    if period is None:
        messages.error(request, _("Periode ekspor tidak valid: pilih tahun dan triwulan 1 sampai 4."))
        return redirect("spm:dashboard")
    year, quarter = period
    if request.GET.get("confirm") != "1":
        gaps = espm_gaps(year, quarter)
        if gaps:
            query = urlencode({"year": year, "quarter": quarter, "confirm": 1})
            return render(
                request,
                "spm/export_check.html",
                {
                    "gaps": gaps,
                    "kind": kind,
                    "title": export.espm_title(year, quarter),
                    "period_label": _("Triwulan %(q)s %(y)s") % {"q": ROMAN[quarter], "y": year},
                    "download_href": f"{request.path}?{query}",
                },
            )
    build, content_type = FORMATS[kind]
    content = build(year=year, quarter=quarter)
    services.export_record(actor=request.user, kind=kind, year=year, quarter=quarter, request=request)
    return export.download(content, f"e-SPM-Trantibumlinmas-{year}-T{quarter}.{kind}", content_type)


@spm_viewer_required
def export_xlsx(request):
    return _export(request, "xlsx")


@spm_viewer_required
def export_csv(request):
    return _export(request, "csv")
