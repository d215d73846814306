"""Processing stored messages, one sender at a time and in order.

The processor locks the sender's Contact row, takes their oldest pending
message, handles it (engine.handle) and queues the answer, all in one
transaction. A failure rolls that back and is recorded on the message,
which stays pending for the next attempt; after MAX_ATTEMPTS it is marked
failed (kept, visible in the admin) and the resident is told to try again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents.channels import engine, texts
from incidents.channels.models import BlockedNumber, Contact, InboundMedia, InboundMessage
from incidents.channels.outbound import Kind, has_reply, reply_enqueue
from incidents.channels.whatsapp import WhatsAppClient, WhatsAppRefused, WhatsAppUnavailable
from incidents.intake.photos import clean_photo
from incidents.models import Channel
from kitaaman.models import OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
IGNORED_BLOCKED = "blocked"
IGNORED_FLOOD = "flood"


def _pending(channel: str, sender: str):
    return InboundMessage.objects.filter(channel=channel, sender=sender, state=InboundMessage.State.PENDING)


def _record_failure(inbound_id: int, exc: BaseException) -> bool:
    """Count a failed attempt; returns True when the message is now given up."""
    with transaction.atomic():
        inbound = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        inbound.attempts += 1
        inbound.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        fields = ["attempts", "last_error"]
        if inbound.attempts >= MAX_ATTEMPTS:
            inbound.state = InboundMessage.State.FAILED
            fields.append("state")
            if not has_reply(inbound):
                with translation.override(settings.LANGUAGE_CODE):
                    text = texts.processing_failed()
                reply_enqueue(inbound, text)
        inbound.save(update_fields=fields)
    logger.warning("inbound %s not processed (attempt %s): %s", inbound_id, inbound.attempts, exc)
    return inbound.state == InboundMessage.State.FAILED


def _fetch_one(inbound: InboundMessage, item: dict) -> None:
    media_id = str(item["id"])
    if InboundMedia.objects.filter(inbound=inbound, media_id=media_id).exists():
        return
    row = InboundMedia(inbound=inbound, media_id=media_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            raw, _mime = WhatsAppClient().download_media(media_id, max_bytes=settings.MAX_PHOTO_BYTES)
            photo = clean_photo(ContentFile(raw, name="WhatsApp"))
        except WhatsAppRefused as exc:
            logger.info("media %s refused: %s", media_id, exc)
            row.error = _("foto tidak dapat diambil dari WhatsApp atau terlalu besar.")
        except ValidationError as exc:
            row.error = " ".join(exc.messages)[:300]
        else:
            row.image.save("foto.jpg", photo.image, save=False)
            row.size = photo.size
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # A concurrent run fetched it first.
        if row.image:
            row.image.delete(save=False)


def fetch_media(*, channel: str, sender: str) -> None:
    """Download and clean the photos of a sender's pending WhatsApp messages,
    before the processing transaction (network calls do not hold the lock)."""
    if channel != Channel.WHATSAPP or BlockedNumber.objects.filter(number=sender).exists():
        return
    for inbound in _pending(channel, sender).order_by("received_at", "id"):
        images = [m for m in inbound.media or [] if m.get("type") == "image" and m.get("id")]
        try:
            for item in images:
                _fetch_one(inbound, item)
        except WhatsAppUnavailable as exc:
            if not _record_failure(inbound.pk, exc):
                raise


def _over_limit(inbound: InboundMessage) -> tuple[bool, bool]:
    """(over the per-sender limit, first message over it in this window).
    The window ends at the message's arrival, so a backlog processed late
    after an outage is judged as it arrived."""
    since = inbound.created_at - timedelta(minutes=settings.CHANNELS_SENDER_WINDOW_MINUTES)
    recent = InboundMessage.objects.filter(
        channel=inbound.channel, sender=inbound.sender, created_at__gte=since, created_at__lte=inbound.created_at
    ).count()
    if recent <= settings.CHANNELS_SENDER_LIMIT:
        return False, False
    noticed = OutboundMessage.objects.filter(recipient=inbound.sender, kind=Kind.NOTICE, created_at__gte=since).exists()
    return True, not noticed


def _ignore(inbound: InboundMessage, why: str, now) -> None:
    inbound.state = InboundMessage.State.IGNORED
    inbound.note = why
    inbound.processed_at = now
    inbound.save(update_fields=["state", "note", "processed_at"])


def _process(inbound: InboundMessage) -> None:
    now = timezone.now()
    if BlockedNumber.objects.filter(number=inbound.sender).exists():
        _ignore(inbound, IGNORED_BLOCKED, now)
        return
    over, first_over = _over_limit(inbound)
    if over:
        _ignore(inbound, IGNORED_FLOOD, now)
        # One notice per flood: a number already told it is not understood gets no second one.
        if first_over and not engine.confusion_noticed(channel=inbound.channel, sender=inbound.sender):
            with translation.override(settings.LANGUAGE_CODE):
                text = texts.too_many_messages()
            reply_enqueue(inbound, text, kind=Kind.NOTICE, answered=False)
        return
    with translation.override(settings.LANGUAGE_CODE):
        reply = engine.handle(inbound, now=now)
    inbound.state = InboundMessage.State.PROCESSED
    inbound.processed_at = now
    inbound.save(update_fields=["state", "processed_at", "conversation"])
    if reply:
        reply_enqueue(inbound, reply)


def inbound_process_sender(*, channel: str, sender: str) -> int:
    """Handle every pending message of one sender, oldest first. Returns how
    many were handled; raises (for a retry) when one failed and may succeed later."""
    fetch_media(channel=channel, sender=sender)
    handled = 0
    while True:
        pk = _pending(channel, sender).order_by("received_at", "id").values_list("pk", flat=True).first()
        if pk is None:
            return handled
        try:
            with transaction.atomic():
                # One sender's messages are handled one at a time, across workers.
                Contact.objects.select_for_update().filter(channel=channel, number=sender).first()
                inbound = InboundMessage.objects.select_for_update().get(pk=pk)
                if inbound.state == InboundMessage.State.PENDING:
                    _process(inbound)
                    handled += 1
        except Exception as exc:
            if not _record_failure(pk, exc):
                raise
