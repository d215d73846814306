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
            for name, msgs in exc.message_dict.items():
                if name.startswith("details."):
                    field = f"d_{data['category'].code}_{name.split('.', 1)[1]}"
                    name = field if field in form.fields else None
                for text in msgs:
                    form.add_error(name if name in form.fields else None, text)
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
