"""The petugas's "Minta penugasan" action on a verified report."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents.desk.forms import AssignmentRequestForm
from incidents.desk.views.actions import form_action, load_for_write
from incidents.desk.views.common import desk_required
from incidents.workflow.assignment_request import assignment_request_check, assignment_request_create


@require_POST
@desk_required
def request_assignment(request, pk):
    incident = load_for_write(request, pk, assignment_request_check)
    form = AssignmentRequestForm(request.POST, incident=incident, prefix="minta")
    return form_action(
        request,
        incident,
        form,
        "request_form",
        lambda data: assignment_request_create(
            incident=incident, actor=request.user, agency=data["agency"], note=data["note"]
        ),
        _("Permintaan penugasan dikirim ke koordinator. Anda akan melihat instansinya di sini setelah ditugaskan."),
    )
