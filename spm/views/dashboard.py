"""/dasbor/: the SPM dashboard. Figures come from spm/calculations.py and
spm/report_figures.py (the aggregates, never the reports table), written for
the page by spm/dashboard.py."""

from django.shortcuts import render
from django.utils import timezone

from ..calculations import make_period
from ..dashboard import dashboard_context
from ..data_health import data_gaps
from ..forms import DashboardFilterForm
from ..permissions import can_enter_data, can_see_data_gaps
from .access import spm_viewer_required


def _period_from_request(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    if "year" not in request.GET and "quarter" not in request.GET and "month" not in request.GET:
        data["quarter"] = str((today.month - 1) // 3 + 1)
    form = DashboardFilterForm(data)
    if form.is_valid():
        cd = form.cleaned_data
        return (
            form,
            make_period(cd["year"], cd.get("quarter"), cd.get("month")),
            cd.get("kecamatan"),
            cd.get("peta") or "tibum",
        )
    # Bad input: say so, show the current quarter.
    return form, make_period(today.year, (today.month - 1) // 3 + 1), None, "tibum"


@spm_viewer_required
def dashboard(request):
    form, period, kecamatan, peta = _period_from_request(request)
    context = dashboard_context(form=form, period=period, kecamatan=kecamatan, peta=peta)
    context["can_enter_data"] = can_enter_data(request.user)
    context["now"] = timezone.now()
    # Data gaps (spm/data_health.py) for those who fill them; kept apart from dashboard_context.
    context["data_gaps"] = data_gaps() if can_see_data_gaps(request.user) else []
    return render(request, "spm/dashboard.html", context)
