"""Staff entry of a report on a citizen's behalf (telephone, walk-in, patrol)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.desk.forms import StaffReportForm
from incidents.desk.views.common import _detail_url, _page, desk_required
from incidents.intake.services import incident_create
from incidents.selectors import incidents_visible_to


@desk_required
def create(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied
    form = StaffReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        desa = data["desa"]
        try:
            incident, _created = incident_create(
                category=data["category"],
                description=data["description"],
                title=data["title"],
                desa_code=desa.pk,
                kecamatan_code=data["kecamatan"].pk,
                lat=data.get("lat"),
                lng=data.get("lng"),
                occurred_at=data.get("occurred_at"),
                reported_at=data["reported_at"],
                location_detail=data["location_detail"],
                details=form.details_for(data["category"]),
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                anonymous=data["anonymous"],
                confidential=data["confidential"],
                consent=data["consent"],
                channel=data["channel"],
                created_by=request.user,
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
                return redirect(_detail_url(incident))
            messages.success(
                request,
                _("Laporan %(code)s dicatat. Laporan ini berada di luar wilayah tugas Anda.")
                % {"code": incident.tracking_code},
            )
            return redirect("desk:home")
    status = 400 if request.method == "POST" else 200
    return _page(
        request,
        "incidents/desk/create.html",
        {"form": form},
        status=status,
    )
