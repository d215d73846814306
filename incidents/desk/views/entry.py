"""Staff entry of a report on a citizen's behalf (telephone, walk-in, patrol)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from incidents.desk.forms import StaffReportForm
from incidents.desk.views.common import desk_page, desk_required, detail_url
from incidents.intake.services import report_submit, staff_entry_check
from incidents.intake.submission import Submission
from incidents.selectors import incidents_visible_to
from kitaaman.form_errors import errors_onto_form


@desk_required
def create(request):
    staff_entry_check(request.user)
    form = StaffReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident, _created = report_submit(
                Submission.from_fields(
                    data,
                    category=data["category"],
                    details=form.details_for(data["category"]),
                    client_uuid=None,
                    entered_by=request.user,
                    staff_entry=True,
                )
            )
        except ValidationError as exc:
            errors_onto_form(form, exc, field_name=lambda name: form.field_for(name, data["category"]))
        else:
            if incidents_visible_to(request.user).filter(pk=incident.pk).exists():
                messages.success(request, _("Laporan %(code)s dicatat.") % {"code": incident.tracking_code})
                return redirect(detail_url(incident))
            messages.success(
                request,
                _("Laporan %(code)s dicatat. Laporan ini berada di luar wilayah tugas Anda.")
                % {"code": incident.tracking_code},
            )
            return redirect("desk:home")
    status = 400 if request.method == "POST" else 200
    return desk_page(
        request,
        "incidents/desk/create.html",
        {"form": form},
        status=status,
    )
