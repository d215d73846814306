"""Notification fan-out. Each notify_* function writes an outbox row inside the
caller's transaction; delivery happens in Celery tasks (incidents.notify.tasks),
never in the request, so a broker that is down when the event happens delays
the message instead of losing it (or failing the citizen's request).

The message builders below run in the task, after commit. Mails to staff and
agencies never carry the reporter's name or contact: the link leads to the
desk, where access rules decide who sees the identity.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from incidents.channels.outbound import status_update_enqueue
from incidents.links import tracking_url
from incidents.models import Assignment, EventKind, Incident, IncidentEvent, Priority, Status
from kitaaman import region
from kitaaman.outbound import Outgoing
from kitaaman.outbox import outbox_enqueue

TASK_INCIDENT_CREATED = "incidents.notify.tasks.deliver_incident_created"
TASK_ASSIGNMENT = "incidents.notify.tasks.deliver_assignment"
TASK_STATUS_CHANGE = "incidents.notify.tasks.deliver_status_change"
TASK_ASSIGNMENT_REQUEST = "incidents.notify.tasks.deliver_assignment_request"

# Reports at or above this priority alert the officers at once.
ALERT_PRIORITY = Priority.TINGGI
DESCRIPTION_EXCERPT = 400


def notify_incident_created(incident: Incident) -> None:
    """A new high-priority report alerts the koordinator and the petugas of its kecamatan."""
    if incident.priority < ALERT_PRIORITY:
        return
    outbox_enqueue(task_name=TASK_INCIDENT_CREATED, kwargs={"incident_id": incident.pk})


def notify_assignment(assignment: Assignment) -> None:
    """An assignment alerts the users of the agency."""
    outbox_enqueue(task_name=TASK_ASSIGNMENT, kwargs={"assignment_id": assignment.pk})


def notify_assignment_request(incident: Incident, event: IncidentEvent) -> None:
    """A petugas's request for an assignment alerts the koordinators."""
    outbox_enqueue(task_name=TASK_ASSIGNMENT_REQUEST, kwargs={"incident_id": incident.pk, "event_id": event.pk})


def notify_status_change(incident: Incident, event: IncidentEvent) -> None:
    """A public status change reaches the reporter: by SMS or WhatsApp when the
    report came that way (unless the number said STOP), and by e-mail when
    they left an address."""
    if event.kind != EventKind.TRANSITION and not event.public:
        return
    # Anonymity hides the reporter from the officers, not from themselves: an
    # anonymous reporter who left a contact is still told how the report goes.
    status_update_enqueue(incident, event)
    if incident.reporter_email:
        outbox_enqueue(task_name=TASK_STATUS_CHANGE, kwargs={"incident_id": incident.pk, "event_id": event.pk})


# --- message builders (run in the delivery task) ---------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def desk_url(incident: Incident) -> str:
    try:
        path = reverse("desk:detail", args=[incident.pk])
    except NoReverseMatch:
        path = f"/petugas/laporan/{incident.pk}/"
    return absolute_url(path)


def track_url(incident: Incident) -> str:
    return tracking_url(incident.tracking_code)


def render_email(name: str, context: dict) -> tuple[str, str]:
    """Plain text and HTML bodies of templates/emails/<name>.{txt,html}."""
    context = {"site_url": settings.SITE_URL, "region": region.current(), **context}
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    return text, html


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= DESCRIPTION_EXCERPT else text[: DESCRIPTION_EXCERPT - 1] + "…"


def _staff(group: str):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=group)
        .select_related("staff_profile")
        .order_by("pk")
        .distinct()
    )


def officers_for(incident: Incident) -> list:
    """Koordinators, then the petugas assigned to the report's kecamatan."""
    users = list(_staff("koordinator"))
    users += list(_staff("petugas").filter(staff_profile__kecamatan=incident.kecamatan_id))
    unique = {}
    for user in users:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def _phone(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return (profile.phone or "").strip() if profile is not None else ""


def messages_incident_created(incident: Incident) -> list[Outgoing]:
    with translation.override(settings.LANGUAGE_CODE):
        priority = Priority(incident.priority).label
        subject = _("[KITA AMAN] Laporan prioritas %(priority)s: %(category)s di %(desa)s") % {
            "priority": str(priority).upper(),
            "category": incident.category.name,
            "desa": incident.desa.name,
        }
        link = desk_url(incident)
        text, html = render_email(
            "incident_created",
            {"incident": incident, "priority": priority, "link": link, "excerpt": _excerpt(incident.description)},
        )
        sms_text = _("KITA AMAN: laporan %(priority)s baru, %(category)s di %(desa)s, Kec. %(kecamatan)s. %(link)s") % {
            "priority": str(priority).upper(),
            "category": incident.category.name,
            "desa": incident.desa.name,
            "kecamatan": incident.kecamatan.name,
            "link": link,
        }
    messages = []
    for user in officers_for(incident):
        if user.email:
            messages.append(Outgoing(channel="email", recipient=user.email, subject=subject, text=text, html=html))
        if _phone(user):
            messages.append(Outgoing(channel="sms", recipient=_phone(user), subject=subject, text=sms_text))
    return messages


def messages_assignment(assignment: Assignment) -> list[Outgoing]:
    incident, agency = assignment.incident, assignment.agency
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[KITA AMAN] Penugasan untuk %(agency)s: %(category)s di %(desa)s") % {
            "agency": str(agency),
            "category": incident.category.name,
            "desa": incident.desa.name,
        }
        text, html = render_email(
            "assignment",
            {
                "assignment": assignment,
                "incident": incident,
                "agency": agency,
                "priority": Priority(incident.priority).label,
                "link": desk_url(incident),
                "excerpt": _excerpt(incident.description),
            },
        )
    addresses = [u.email for u in _staff("mitra").filter(staff_profile__agency=agency) if u.email]
    if agency.email:
        addresses.append(agency.email)
    return [Outgoing(channel="email", recipient=a, subject=subject, text=text, html=html) for a in addresses]


def messages_status_change(incident: Incident, event: IncidentEvent) -> list[Outgoing]:
    if not incident.reporter_email:
        return []

    with translation.override(settings.LANGUAGE_CODE):
        status_label = Status(event.to_status).label if event.to_status else Status(incident.status).label
        subject = _("[KITA AMAN] Laporan %(code)s: %(status)s") % {
            "code": incident.tracking_code,
            "status": status_label,
        }
        text, html = render_email(
            "status_change",
            {
                "incident": incident,
                "event": event,
                "status_label": status_label,
                # Internal notes stay internal; only a note marked public reaches the citizen.
                "note": event.note if event.public else "",
                "link": track_url(incident),
                # A duplicate's reporter is told it was joined to another report, never which one.
                "merged": incident.status == Status.DUPLIKAT,
            },
        )
    return [Outgoing(channel="email", recipient=incident.reporter_email, subject=subject, text=text, html=html)]


def messages_assignment_request(incident: Incident, event: IncidentEvent) -> list[Outgoing]:
    """E-mail and SMS to every active koordinator: who asked, for which report,
    which agency they suggest. No reporter identity; the link leads to the desk."""
    with translation.override(settings.LANGUAGE_CODE):
        requester = event.actor_label or _("Petugas")
        subject = _("[KITA AMAN] Permintaan penugasan: %(code)s, %(category)s di %(desa)s") % {
            "code": incident.tracking_code,
            "category": incident.category.name,
            "desa": incident.desa.name,
        }
        link = desk_url(incident)
        text, html = render_email(
            "assignment_request",
            {
                "incident": incident,
                "event": event,
                "requester": requester,
                "agency_name": (event.data or {}).get("agency_name", ""),
                "priority": Priority(incident.priority).label,
                "link": link,
                "excerpt": _excerpt(incident.description),
            },
        )
        sms_text = _(
            "KITA AMAN: %(who)s meminta penugasan instansi untuk laporan %(code)s (Kec. %(kecamatan)s). %(link)s"
        ) % {
            "who": requester,
            "code": incident.tracking_code,
            "kecamatan": incident.kecamatan.name,
            "link": link,
        }
    messages = []
    for user in _staff("koordinator"):
        if user.email:
            messages.append(Outgoing(channel="email", recipient=user.email, subject=subject, text=text, html=html))
        if _phone(user):
            messages.append(Outgoing(channel="sms", recipient=_phone(user), subject=subject, text=sms_text))
    return messages
