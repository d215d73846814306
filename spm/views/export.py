"""e-SPM export of a quarter (XLSX, CSV) from the dashboard."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import export, services
from ..calculations import make_period
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
    build, content_type = FORMATS[kind]
    content = build(year=period[0], quarter=period[1])
    services.export_record(actor=request.user, kind=kind, year=period[0], quarter=period[1], request=request)
    return export.download(content, f"e-SPM-Trantibumlinmas-{period[0]}-T{period[1]}.{kind}", content_type)


@spm_viewer_required
def export_xlsx(request):
    return _export(request, "xlsx")


@spm_viewer_required
def export_csv(request):
    return _export(request, "csv")
