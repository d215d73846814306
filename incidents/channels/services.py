"""Writes of the message channels: storing what arrives, blocking numbers,
what a reporter adds to a report already made by SMS/WhatsApp.

Every channel's webhook turns its payload into an InboundPayload and calls
`inbound_message_receive`, which stores it (once per provider id) and
enqueues its processing through the outbox in the same transaction. The
webhook answers as soon as that commits; nothing the processing does can
turn into an error for the provider or lose the message.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import audit, permissions
from incidents.channels.cleaning import clean_json, clean_text
from incidents.channels.models import BlockedNumber, Contact, InboundMessage
from incidents.channels.phone import MAX_CONTACT_LENGTH, contact_id
from incidents.intake.services import EARLIEST
from incidents.models import EventKind, Incident, IncidentEvent
from incidents.report_content import validate_details
from kitaaman.outbox import outbox_enqueue

TASK_PROCESS_INBOUND = "incidents.channels.tasks.process_inbound"
NUMBER_BLOCKED = "channels.number_blocked"
NUMBER_UNBLOCKED = "channels.number_unblocked"
MAX_DESCRIPTION = 5000


@dataclass
class InboundPayload:
    """One message as a channel adapter read it from its provider."""

    channel: str
    provider_id: str
    sender: str
    received_at: datetime
    text: str = ""
    media: list = field(default_factory=list)
    lat: float | None = None
    lng: float | None = None
    raw: dict = field(default_factory=dict)
    # Why the message could not be read ("" when it could): it is stored
    # raw, flagged for the desk, and not processed.
    unreadable: str = ""

    def as_unreadable(self, why: str) -> "InboundPayload":
        """The same message reduced to its raw payload, flagged for the desk."""
        sender = self.sender if len(self.sender) <= MAX_CONTACT_LENGTH else ""
        return replace(
            self,
            sender=sender,
            text="",
            media=[],
            lat=None,
            lng=None,
            received_at=timezone.now(),
            unreadable=why[:200],
        )


@transaction.atomic
def inbound_message_receive(*, payload: InboundPayload) -> tuple[InboundMessage, bool]:
    """Store a message and enqueue its processing. Returns (message, created);
    a provider id already stored (a retried webhook) creates nothing. Text
    and payload are cleaned here, whatever the channel; an unreadable
    message is stored flagged and not processed."""
    existing = InboundMessage.objects.filter(channel=payload.channel, provider_id=payload.provider_id).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                channel=payload.channel,
                provider_id=payload.provider_id,
                sender=clean_text(payload.sender),
                text=clean_text(payload.text),
                media=clean_json(payload.media),
                lat=payload.lat,
                lng=payload.lng,
                received_at=payload.received_at,
                created_at=now,
                raw=clean_json(payload.raw),
                state=InboundMessage.State.UNREADABLE if payload.unreadable else InboundMessage.State.PENDING,
                note=clean_text(payload.unreadable)[:200],
            )
    except IntegrityError:
        # The same delivery arrived twice at once; the other request stored it.
        return InboundMessage.objects.get(channel=payload.channel, provider_id=payload.provider_id), False
    if payload.unreadable:
        return message, True
    contact, _created = Contact.objects.get_or_create(channel=payload.channel, number=payload.sender)
    # WhatsApp's 24-hour window runs from the resident's last message.
    Contact.objects.filter(pk=contact.pk).update(last_inbound_at=now)
    outbox_enqueue(task_name=TASK_PROCESS_INBOUND, kwargs={"inbound_id": message.pk})
    return message, True


def inbound_pending_requeue(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Enqueue processing again for senders whose messages have waited too
    long: a task that exhausted its retries while the database was down would
    otherwise leave them pending for good. Processing takes only pending
    messages, so an extra run is harmless. Returns how many senders."""
    stale = (
        InboundMessage.objects.filter(state=InboundMessage.State.PENDING, created_at__lt=timezone.now() - older_than)
        .order_by("channel", "sender", "received_at", "id")
        .values_list("pk", "channel", "sender")
    )
    seen = set()
    with transaction.atomic():
        for pk, channel, sender in stale[:1000]:
            if (channel, sender) in seen:
                continue
            seen.add((channel, sender))
            outbox_enqueue(task_name=TASK_PROCESS_INBOUND, kwargs={"inbound_id": pk})
    return len(seen)


def _require_koordinator(user) -> None:
    if not permissions.is_koordinator(user):
        raise PermissionDenied(_("Hanya koordinator yang dapat memblokir atau membuka blokir nomor."))


@transaction.atomic
def number_block(*, user, number: str, reason: str = "", ip=None) -> BlockedNumber:
    """Stop processing and answering messages from `number` (koordinator only)."""
    _require_koordinator(user)
    # A number, or the WhatsApp user id of a sender who hides their number.
    canonical = contact_id(number)
    if not canonical:
        raise ValidationError({"number": [_("Nomor telepon tidak valid.")]})
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": [_("Alasan terlalu panjang (maksimal 200 karakter).")]})
    blocked, created = BlockedNumber.objects.get_or_create(
        number=canonical, defaults={"reason": reason, "blocked_by": user}
    )
    if created:
        audit.record(NUMBER_BLOCKED, user=user, ip=ip, data={"number": canonical, "reason": reason})
    return blocked


@transaction.atomic
def number_unblock(*, user, blocked_id: int, ip=None) -> None:
    _require_koordinator(user)
    blocked = BlockedNumber.objects.select_for_update().filter(pk=blocked_id).first()
    if blocked is None:
        return
    audit.record(NUMBER_UNBLOCKED, user=user, ip=ip, data={"number": blocked.number})
    blocked.delete()


def reporter_label(channel: str) -> str:
    return _("Pelapor (%(channel)s)") % {"channel": "SMS" if channel == "sms" else "WhatsApp"}


@transaction.atomic
def reporter_addition_add(
    *, incident: Incident, channel: str, text: str, join: bool, answer: bool = False, now=None
) -> IncidentEvent:
    """What the reporter sent after the report was made, on its timeline
    (internal: it may name people). With `join` (the rest of a story that
    arrived in parts) it is also appended to the description; `answer`: it
    answers an officer's message (reporter_messages.py)."""
    now = now or timezone.now()
    text = " ".join((text or "").split())[:2000]
    if join:
        description = f"{incident.description} {text}"[:MAX_DESCRIPTION]
        Incident.objects.filter(pk=incident.pk).update(
            description=description, version=F("version") + 1, updated_at=now
        )
        incident.description = description
    return IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.NOTE,
        actor_label=reporter_label(channel),
        note=(_("Jawaban pelapor: %(text)s") if answer else _("Tambahan dari pelapor: %(text)s")) % {"text": text},
        data={"reporter_addition": True, "channel": channel, "joined": join, "answer": answer},
        created_at=now,
    )


@transaction.atomic
def report_make_secret(*, incident: Incident, channel: str, now=None) -> None:
    """RAHASIA after the report was made: the name and number are hidden
    (anonymous) and the report is confidential, as the reporter asked."""
    now = now or timezone.now()
    Incident.objects.filter(pk=incident.pk).update(
        anonymous=True, confidential=True, version=F("version") + 1, updated_at=now
    )
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.EDIT,
        actor_label=reporter_label(channel),
        note=_("Pelapor meminta nama dan nomornya dirahasiakan."),
        data={"anonymous": True, "confidential": True},
        created_at=now,
    )


@transaction.atomic
def reporter_details_add(
    *, incident: Incident, channel: str, note: str, details: dict | None = None, occurred_at=None, now=None
) -> IncidentEvent:
    """What the reporter adds by SMS/WhatsApp to a report already made: when
    it happened and answers to the category's questions, checked and stored
    as the intake stores them (occurred_at, details). `note` says it in words
    for the history. Raises ValidationError as the intake does."""
    now = now or timezone.now()
    locked = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    fields, changes = {}, {}
    if details:
        fields["details"] = validate_details(locked.category, {**(locked.details or {}), **details})
        changes.update({code: fields["details"].get(code) for code in details})
    if occurred_at is not None:
        if occurred_at > now + timedelta(minutes=5):
            raise ValidationError({"occurred_at": [_("Waktu kejadian tidak boleh di masa depan.")]})
        if occurred_at < EARLIEST:
            raise ValidationError({"occurred_at": [_("Waktu kejadian terlalu lama.")]})
        fields["occurred_at"] = occurred_at
        changes["occurred_at"] = occurred_at.isoformat()
    Incident.objects.filter(pk=locked.pk).update(**fields, version=F("version") + 1, updated_at=now)
    for name, value in fields.items():
        setattr(incident, name, value)
    return IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.EDIT,
        actor_label=reporter_label(channel),
        note=_("Pelapor menambah keterangan: %(what)s") % {"what": note},
        data={"reporter_details": True, "channel": channel, "changes": changes},
        created_at=now,
    )
