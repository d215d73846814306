"""Officers writing to the reporter of an SMS or WhatsApp report from the
desk, and the reporter's answer.

The message goes through the outbound ledger, by the channel the report came
by, to the number it came from: the officer writes to "the reporter" and
never sees the number (the desk shows it only where it shows the identity).
It is an internal event on the report's history. What the reporter sends
back within ANSWER_WINDOW (or with BALAS <kode> <pesan> at any time) is the
reporter's addition on that report (services.reporter_addition_add).
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.channels.models import BlockedNumber
from incidents.channels.outbound import MESSAGE_CHANNELS, is_opted_out, officer_message_enqueue
from incidents.models import EventKind, Incident, IncidentEvent
from incidents.workflow.services import event_record, note_clean, require_visible

# About four SMS parts: a question or an instruction, not a letter.
MAX_MESSAGE = 600
# A reporter's message this long after an officer's is the answer to it.
ANSWER_WINDOW = timedelta(days=1)


def reporter_message_check(actor, incident: Incident) -> None:
    """Who may write to the reporter: whoever may add notes to the report."""
    if not (permissions.can_write(actor) and permissions.can_add_note(actor, incident)):
        raise PermissionDenied(_("Anda tidak berwenang mengirim pesan ke pelapor laporan ini."))


def reporter_unreachable(incident: Incident) -> str:
    """Why the reporter cannot be written to ("" when they can)."""
    if incident.channel not in MESSAGE_CHANNELS:
        return _("Laporan ini tidak masuk lewat SMS atau WhatsApp.")
    number = incident.reporter_phone
    if not number:
        return _("Nomor pelapor sudah dihapus.")
    if is_opted_out(number):
        return _("Pelapor sudah membalas STOP: ia tidak menerima pesan lagi.")
    if BlockedNumber.objects.filter(number=number).exists():
        return _("Nomor pelapor diblokir.")
    return ""


@transaction.atomic
def reporter_message_send(*, incident: Incident, actor, text: str) -> IncidentEvent:
    """Queue `text` to the reporter and record it on the history (internal)."""
    require_visible(actor, incident)
    reporter_message_check(actor, incident)
    text = note_clean(text, field="text")
    if not text:
        raise ValidationError({"text": [_("Isi pesan wajib diisi.")]})
    if len(text) > MAX_MESSAGE:
        raise ValidationError({"text": [_("Pesan terlalu panjang (maksimal %(n)s karakter).") % {"n": MAX_MESSAGE}]})
    why = reporter_unreachable(incident)
    if why:
        raise ValidationError({"text": [why]})
    event = event_record(
        incident,
        kind=EventKind.REPORTER_MESSAGE,
        actor=actor,
        note=text,
        data={"reporter_message": True, "channel": incident.channel},
    )
    message = officer_message_enqueue(incident, event, text)
    IncidentEvent.objects.filter(pk=event.pk).update(data={**event.data, "outbound_id": str(message.pk)})
    return event


def awaiting_answer(*, channel: str, sender: str, now: datetime) -> tuple[Incident, datetime] | None:
    """The report whose officer last wrote to this number within the window,
    and when: the number's next message is the answer."""
    event = (
        IncidentEvent.objects.filter(
            kind=EventKind.REPORTER_MESSAGE,
            created_at__gte=now - ANSWER_WINDOW,
            incident__channel=channel,
            incident__reporter_phone=sender,
        )
        .select_related("incident")
        .order_by("-created_at", "-id")
        .first()
    )
    return (event.incident, event.created_at) if event is not None else None


def was_written_to(incident: Incident) -> bool:
    """Whether an officer has written to the reporter of this report."""
    return incident.events.filter(kind=EventKind.REPORTER_MESSAGE).exists()
