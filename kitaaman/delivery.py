"""Sending notifications (e-mail, SMS) from Celery tasks.

Each (message, recipient) pair is one `NotificationDelivery` row, claimed with
a conditional UPDATE before sending: a task that is redelivered (acks_late,
a relay that published twice, a retry) finds the row already sent and skips
it, so nobody gets the same notification twice. Transient errors (SMTP
trouble, a timeout) leave the row pending for the task's next retry; permanent
ones (an address the server refuses) fail the row at once.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from . import region
from .models import NotificationDelivery
from .sms import send_sms

logger = logging.getLogger(__name__)


def stale_claim() -> timedelta:
    """A row in "sending" longer than this belonged to a worker that died
    mid-send; taking it over risks one duplicate, leaving it would lose the message."""
    return timedelta(seconds=getattr(settings, "NOTIFY_STALE_CLAIM_SECONDS", 600))


@dataclass
class Outgoing:
    channel: str
    recipient: str
    subject: str = ""
    text: str = ""
    html: str = ""
    # (file name, content bytes, MIME type)
    attachments: list = field(default_factory=list)


class TransientDeliveryError(Exception):
    """Some messages failed for a reason that may pass; retry the task
    (no sooner than `retry_after` seconds when given)."""

    def __init__(self, message, *, retry_after: int | None = None):
        self.retry_after = retry_after
        super().__init__(message)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError | TimeoutError | ConnectionError)


def _send(message: Outgoing) -> None:
    if message.channel == NotificationDelivery.Channel.SMS:
        send_sms(to=message.recipient, text=message.text)
        return
    mail = EmailMultiAlternatives(
        subject=message.subject, body=message.text, from_email=region.default_from_email(), to=[message.recipient]
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    for name, content, mimetype in message.attachments:
        mail.attach(name, content, mimetype)
    mail.send(fail_silently=False)


def unique_by_recipient(messages):
    seen, result = set(), []
    for message in messages:
        key = message.recipient.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(message)
    return result


def record_pending(*, message_id, kind: str, messages: list[Outgoing], incident_id: int | None = None) -> None:
    """Create the delivery rows without sending (inside the caller's transaction)."""
    for message in unique_by_recipient(messages):
        NotificationDelivery.objects.get_or_create(
            message_id=message_id,
            recipient=message.recipient,
            defaults={
                "kind": kind,
                "channel": message.channel,
                "subject": message.subject[:255],
                "incident_id": incident_id,
            },
        )


def deliver(
    *,
    message_id,
    kind: str,
    messages: list[Outgoing],
    incident_id: int | None = None,
    final_attempt: bool = False,
    create_missing: bool = True,
) -> dict:
    """Send every message of `message_id` not sent yet.

    Returns counts per outcome. Raises TransientDeliveryError when some
    failed transiently and this is not the final attempt (the caller retries
    with backoff); on the final attempt they are marked failed instead.
    With create_missing=False only recipients already recorded are retried."""
    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    retry_errors = []
    busy = 0
    for message in unique_by_recipient(messages):
        if create_missing:
            row, _created = NotificationDelivery.objects.get_or_create(
                message_id=message_id,
                recipient=message.recipient,
                defaults={
                    "kind": kind,
                    "channel": message.channel,
                    "subject": message.subject[:255],
                    "incident_id": incident_id,
                },
            )
        else:
            row = NotificationDelivery.objects.filter(message_id=message_id, recipient=message.recipient).first()
            if row is None:
                counts["skipped"] += 1
                continue
        now = timezone.now()
        claimed = (
            NotificationDelivery.objects.filter(pk=row.pk)
            .filter(
                Q(status=NotificationDelivery.State.PENDING)
                | Q(status=NotificationDelivery.State.SENDING, claimed_at__lt=now - stale_claim())
            )
            .update(status=NotificationDelivery.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
        if not claimed:
            if NotificationDelivery.objects.filter(pk=row.pk, status=NotificationDelivery.State.SENDING).exists():
                # Claimed by another run, which may have been killed mid-send
                # (its task then comes back at once, as this one): come back
                # when that claim has gone stale, or the message is lost.
                busy += 1
                counts["retry"] += 1
            else:
                counts["skipped"] += 1
            continue
        try:
            _send(message)
        except Exception as exc:
            transient = is_transient(exc)
            retry = transient and not final_attempt
            NotificationDelivery.objects.filter(pk=row.pk).update(
                status=NotificationDelivery.State.PENDING if retry else NotificationDelivery.State.FAILED,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            logger.warning("delivery %s to %s failed (%s): %s", message_id, message.recipient, kind, exc)
            if retry:
                counts["retry"] += 1
                retry_errors.append(exc)
            else:
                counts["failed"] += 1
            continue
        NotificationDelivery.objects.filter(pk=row.pk).update(
            status=NotificationDelivery.State.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
    if retry_errors:
        raise TransientDeliveryError(f"{len(retry_errors)} pesan gagal sementara: {retry_errors[0]}")
    if busy and not final_attempt:
        raise TransientDeliveryError(
            f"{busy} pesan sedang dikirim proses lain", retry_after=int(stale_claim().total_seconds()) + 1
        )
    return counts
