"""Messages back to residents, by the channel they wrote on.

They are rows of the one outbound ledger (kitaaman/outbound.py), queued
inside the caller's transaction and sent by its task; WhatsApp goes through
incidents.channels.transport.WhatsAppTransport, SMS through the SMS backend.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from incidents.channels import texts
from incidents.channels.models import Contact, InboundMessage
from incidents.models import Channel, EventKind, Incident, IncidentEvent
from kitaaman.models import OutboundMessage
from kitaaman.outbound import outbound_message_enqueue

MESSAGE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
Kind = OutboundMessage.Kind
# What residents receive on the channel they wrote on (the conversation's answers).
RESIDENT_KINDS = (Kind.REPLY, Kind.STATUS, Kind.NOTICE)


def reply_enqueue(inbound: InboundMessage, text: str, *, kind: str = Kind.REPLY, answered: bool = True):
    """Answer the sender of `inbound` on its channel; `answered` ties the answer
    to the message (one answer of a kind per message received)."""
    return outbound_message_enqueue(
        channel=inbound.channel,
        recipient=inbound.sender,
        text=text,
        kind=kind,
        in_reply_to_id=inbound.pk if answered else None,
        conversation_id=inbound.conversation_id if answered else None,
    )


def has_reply(inbound: InboundMessage) -> bool:
    return OutboundMessage.objects.filter(in_reply_to_id=inbound.pk, kind=Kind.REPLY).exists()


def is_opted_out(number: str) -> bool:
    """STOP on any channel ends news of reports for that number."""
    return Contact.objects.filter(number=number, opted_out_at__isnull=False).exists()


def status_update_enqueue(incident: Incident, event: IncidentEvent) -> OutboundMessage | None:
    """News of a status change for a report that came by SMS or WhatsApp,
    to the number it came from (inside the change's transaction)."""
    if incident.channel not in MESSAGE_CHANNELS or not incident.reporter_phone:
        return None
    if event.kind != EventKind.TRANSITION and not event.public:
        return None
    number = incident.reporter_phone
    if is_opted_out(number):
        return None
    note = event.note if event.public else ""
    status = event.to_status or incident.status
    with translation.override(settings.LANGUAGE_CODE):
        text = texts.status_update(incident, status=status, note=note)
        params = texts.status_template_params(incident, status=status, note=note)
    try:
        with transaction.atomic():
            return _report_news_enqueue(incident, event, number, text, params)
    except IntegrityError:
        # Already queued for this change and number.
        return None


def officer_message_enqueue(incident: Incident, event: IncidentEvent, text: str) -> OutboundMessage:
    """An officer's message to the reporter, by the channel the report came
    by, to the number it came from (inside the caller's transaction). On
    WhatsApp after the 24-hour window it goes as the report-news template,
    the message as its note."""
    with translation.override(settings.LANGUAGE_CODE):
        body = texts.officer_message(incident, text)
        params = texts.status_template_params(incident, status=incident.status, note=text)
    return _report_news_enqueue(incident, event, incident.reporter_phone, body, params)


def _report_news_enqueue(incident: Incident, event: IncidentEvent, number: str, text: str, params) -> OutboundMessage:
    """News of `event` to `number` by the report's channel, in the report's latest
    conversation; `params` fill the WhatsApp template used after the 24-hour window."""
    conversation = incident.conversations.order_by("-started_at").values_list("pk", flat=True).first()
    return outbound_message_enqueue(
        channel=incident.channel,
        recipient=number,
        text=text,
        kind=Kind.STATUS,
        incident_id=incident.pk,
        event_id=event.pk,
        template_params=params,
        conversation_id=conversation,
    )
