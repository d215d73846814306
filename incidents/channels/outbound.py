"""Messages back to residents, by the channel they wrote on.

`outbound_enqueue` writes the message and its outbox row inside the caller's
transaction. `outbound_send` (the task's body) claims the row with a
conditional UPDATE before calling the provider, so a task that runs twice
(redelivery, a second relay, a retry) sends once. WhatsApp only allows free
text within 24 hours of the resident's last message; later news of a report
goes out as the pre-approved template named in WHATSAPP_STATUS_TEMPLATE.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from incidents.channels import texts
from incidents.channels.gsm import sms_text
from incidents.channels.models import Contact, OutboundMessage
from incidents.channels.phone import whatsapp_id
from incidents.channels.whatsapp import WhatsAppClient
from incidents.models import Channel, EventKind, Incident, IncidentEvent
from kitaaman.delivery import is_transient
from kitaaman.outbox import outbox_enqueue
from kitaaman.sms import send_sms

logger = logging.getLogger(__name__)

TASK_SEND_OUTBOUND = "incidents.channels.tasks.send_outbound"
WHATSAPP_WINDOW = timedelta(hours=24)
# A row stuck in "sending" this long belonged to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)
MESSAGE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class TransientSendError(Exception):
    """The provider may accept the message later: retry the task."""


def outbound_enqueue(*, channel: str, recipient: str, text: str, **fields) -> OutboundMessage:
    if channel == Channel.SMS:
        # Every SMS in GSM-7: one "…" would make the whole message UCS-2 (70 characters a part).
        text = sms_text(text)
    message = OutboundMessage.objects.create(channel=channel, recipient=recipient, text=text, **fields)
    outbox_enqueue(task_name=TASK_SEND_OUTBOUND, kwargs={"outbound_id": str(message.pk)})
    return message


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
            return outbound_enqueue(
                channel=incident.channel,
                recipient=number,
                text=text,
                kind=OutboundMessage.Kind.STATUS,
                incident=incident,
                event=event,
                template_params=params,
                conversation=incident.conversations.order_by("-started_at").first(),
            )
    except IntegrityError:
        # Already queued for this change and number.
        return None


def _window_open(number: str, now) -> bool:
    contact = Contact.objects.filter(channel=Channel.WHATSAPP, number=number).first()
    return bool(contact and contact.last_inbound_at and contact.last_inbound_at >= now - WHATSAPP_WINDOW)


def _deliver(message: OutboundMessage, now) -> tuple[str, str]:
    """Send through the provider; returns (provider id, template used)."""
    if message.channel == Channel.SMS:
        return send_sms(to=message.recipient, text=message.text) or "", ""
    client = WhatsAppClient()
    to = whatsapp_id(message.recipient)
    if message.kind != OutboundMessage.Kind.STATUS or _window_open(message.recipient, now):
        return client.send_text(to=to, text=message.text), ""
    template = settings.WHATSAPP_STATUS_TEMPLATE
    if not template:
        raise ValueError("the 24-hour window has closed and WHATSAPP_STATUS_TEMPLATE is not set")
    provider_id = client.send_template(
        to=to, name=template, language=settings.WHATSAPP_TEMPLATE_LANGUAGE, params=message.template_params
    )
    return provider_id, template


def outbound_send(*, outbound_id, final_attempt: bool = False) -> str:
    """Send one message if nobody has. Returns its state afterwards. Raises
    TransientSendError when it failed for a reason that may pass and this is
    not the final attempt."""
    now = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=outbound_id)
        .filter(Q(state=OutboundMessage.State.PENDING) | Q(state="sending", claimed_at__lt=now - STALE_CLAIM))
        .update(state=OutboundMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        row = OutboundMessage.objects.filter(pk=outbound_id).values_list("state", flat=True).first()
        return row or "missing"
    message = OutboundMessage.objects.get(pk=outbound_id)
    try:
        provider_id, template = _deliver(message, now)
    except Exception as exc:
        retry = is_transient(exc) and not final_attempt
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=OutboundMessage.State.PENDING if retry else OutboundMessage.State.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("outbound %s to %s failed: %s", message.pk, message.channel, exc)
        if retry:
            raise TransientSendError(str(exc)) from exc
        return OutboundMessage.State.FAILED
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=OutboundMessage.State.SENT,
        sent_at=timezone.now(),
        provider_id=(provider_id or "")[:200],
        template=template,
        last_error="",
    )
    return OutboundMessage.State.SENT
