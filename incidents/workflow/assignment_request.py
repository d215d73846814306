"""A petugas asks the koordinator to route a report to an agency.

Routing is the koordinator's alone (permissions.can_assign), and a verified
report cannot be handled before an agency is assigned: without this a petugas
who verified a report could only wait until a koordinator happened to open it.
The request is an internal event on the report, a flag on the report that the
koordinator's queue filters on (cleared by the next assignment or when the
report closes, see services.py) and a notification through the outbox.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.models import OPEN_STATUSES, Agency, Assignment, EventKind, Incident, IncidentEvent
from incidents.notify.messages import notify_assignment_request
from incidents.roles import KOORDINATOR
from incidents.workflow.services import event_record, note_clean, require_visible, sync_caller


def _pending_message(requested_at) -> str:
    when = formats.date_format(timezone.localtime(requested_at), "j M Y H.i")
    return _("Penugasan untuk laporan ini sudah diminta pada %(when)s WIB dan masih menunggu koordinator.") % {
        "when": when
    }


def _resolve_agency(incident: Incident, agency) -> Agency | None:
    if agency in (None, ""):
        return None
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(code=str(agency), active=True).first()
        if agency is None:
            raise ValidationError({"agency": [_("Instansi tidak dikenal.")]})
    if Assignment.objects.filter(incident=incident, agency=agency).exists():
        raise ValidationError({"agency": [_("Laporan ini sudah ditugaskan ke %(agency)s.") % {"agency": agency}]})
    return agency


def assignment_request_check(actor, incident: Incident) -> None:
    """Who may ask (the service checks it; the page calls it before parsing)."""
    if not (permissions.can_write(actor) and permissions.can_request_assignment(actor, incident)):
        raise PermissionDenied(_("Hanya petugas kecamatan laporan ini yang dapat meminta penugasan."))


@transaction.atomic
def assignment_request_create(*, incident: Incident, actor, agency=None, note: str = "") -> IncidentEvent:
    """Ask the koordinator to assign an agency to `incident`, optionally
    suggesting one. Returns the ASSIGNMENT_REQUEST event.

    Raises Http404 (report not visible), PermissionDenied (not a petugas of
    the report's kecamatan, or a koordinator, who assigns directly) and
    ValidationError (report closed, a request already pending, unknown or
    already assigned agency, note too long)."""
    require_visible(actor, incident)
    assignment_request_check(actor, incident)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"request": [_("Laporan yang sudah ditutup tidak memerlukan penugasan.")]})
    if locked.assignment_requested_at is not None:
        raise ValidationError({"request": [_pending_message(locked.assignment_requested_at)]})
    suggested = _resolve_agency(locked, agency)
    note = note_clean(note)
    now = timezone.now()
    # The report's data is unchanged, so the version stays: a koordinator with
    # the report open can still assign without a conflict. The conditional
    # UPDATE lets one of two simultaneous requests through.
    claimed = Incident.objects.filter(pk=locked.pk, assignment_requested_at__isnull=True).update(
        assignment_requested_at=now
    )
    if not claimed:
        raise ValidationError({"request": [_pending_message(now)]})
    locked.assignment_requested_at = now
    data = {"agency": suggested.code, "agency_name": str(suggested)} if suggested else {}
    event = event_record(
        locked, kind=EventKind.ASSIGNMENT_REQUEST, actor=actor, note=note, public=False, now=now, data=data
    )
    notify_assignment_request(locked, event)
    sync_caller(incident, locked)
    return event


def pending_assignment_request(incident: Incident) -> IncidentEvent | None:
    """The request the koordinator has not answered yet, if any."""
    if incident.assignment_requested_at is None:
        return None
    return (
        incident.events.filter(kind=EventKind.ASSIGNMENT_REQUEST, created_at__gte=incident.assignment_requested_at)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def koordinator_names(limit: int = 5) -> list[str]:
    """Who routes reports, named on the report page so a petugas knows whom to ask."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=KOORDINATOR)
        .order_by("first_name", "username")
        .distinct()[:limit]
    )
    return [u.get_full_name() or u.get_username() for u in users]
