"""The outbound ledger: every message that leaves the portal.

Producers (staff notifications, answers and news to residents, early
warnings, summaries) write the messages with their content as
OutboundMessage rows, one per recipient, and an outbox row for the one
sending task (kitaaman.tasks.send_outbound), in one transaction:
`outbound_enqueue` for a batch keyed by the producer's id,
`outbound_message_enqueue` for a single answer.

`outbound_send` (the task's body) claims each row with a conditional UPDATE
(pending, or "sending" for longer than the stale claim) before handing it
to the channel's transport (kitaaman.transports), so a task that runs twice
(redelivery, a second relay, a retry) sends each message once. Transient
errors leave the row pending for the task's retry; permanent ones fail it.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .gsm import sms_text
from .models import OutboundMessage
from .outbox import outbox_enqueue
from .transports import is_transient, transport_for

logger = logging.getLogger(__name__)

TASK_SEND_OUTBOUND = "kitaaman.tasks.send_outbound"
State = OutboundMessage.State
# Longer than the sending task's whole retry schedule (about half an hour).
LEFT_BEHIND = timedelta(hours=2)


def stale_claim() -> timedelta:
    """A row in "sending" longer than this belonged to a worker that died
    mid-send; taking it over risks one duplicate, leaving it would lose the message."""
    return timedelta(seconds=settings.OUTBOUND_STALE_CLAIM_SECONDS)


@dataclass
class Outgoing:
    channel: str
    recipient: str
    subject: str = ""
    text: str = ""
    html: str = ""
    # [{"name": file name, "path": name in default storage, "mimetype": ...}]
    attachments: list = field(default_factory=list)


class TransientDeliveryError(Exception):
    """Some messages failed for a reason that may pass; retry the task
    (no sooner than `retry_after` seconds when given)."""

    def __init__(self, message, *, retry_after: int | None = None):
        self.retry_after = retry_after
        super().__init__(message)


def unique_by_recipient(messages):
    seen, result = set(), []
    for message in messages:
        key = message.recipient.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(message)
    return result


def sms_ready(channel: str, text: str) -> str:
    """Every SMS in GSM-7: one "…" would make the whole message UCS-2 (70
    characters a part). What is stored is what is sent."""
    return sms_text(text) if channel == OutboundMessage.Channel.SMS else text


def _content(message: Outgoing) -> dict:
    return {
        "channel": message.channel,
        "subject": message.subject[:255],
        "text": sms_ready(message.channel, message.text),
        "html": message.html,
        "attachments": list(message.attachments),
    }


def outbound_record(*, message_id, kind: str, messages: list[Outgoing], **refs) -> int:
    """Write the rows of `message_id` (inside the caller's transaction); a
    recipient already recorded keeps its row. Returns how many rows are new.
    `refs` are incident_id, event_id, conversation_id, in_reply_to_id."""
    created_count = 0
    for message in unique_by_recipient(messages):
        row, created = OutboundMessage.objects.get_or_create(
            message_id=message_id, recipient=message.recipient, defaults={"kind": kind, **_content(message), **refs}
        )
        created_count += created
        if not created and row.state == State.PENDING and not row.text:
            # Recorded before the ledger kept content (rows migrated from the
            # old delivery table): the producer's rerun fills it in.
            OutboundMessage.objects.filter(pk=row.pk, state=State.PENDING).update(**_content(message))
    return created_count


def outbound_enqueue(*, message_id, kind: str, messages: list[Outgoing], **refs) -> int:
    """Record the messages and queue their sending, in one transaction.
    Called by producer tasks in a worker, so the sending task is published
    as soon as this commits (the relay's next run otherwise). Returns how
    many rows are new; nothing is queued when none is left to send."""
    with transaction.atomic():
        created = outbound_record(message_id=message_id, kind=kind, messages=messages, **refs)
        if OutboundMessage.objects.filter(message_id=message_id, state=State.PENDING).exists():
            outbox_enqueue(task_name=TASK_SEND_OUTBOUND, kwargs={"message_id": str(message_id)}, publish_on_commit=True)
    return created


def outbound_message_enqueue(*, channel: str, recipient: str, text: str, kind: str, **fields) -> OutboundMessage:
    """One message to one recipient (an answer to a resident), queued inside
    the caller's transaction; it is its own batch. Raises IntegrityError when
    the same answer (event and number, or message answered and kind) is queued already."""
    pk = uuid.uuid4()
    message = OutboundMessage.objects.create(
        id=pk, message_id=pk, channel=channel, recipient=recipient, text=sms_ready(channel, text), kind=kind, **fields
    )
    outbox_enqueue(task_name=TASK_SEND_OUTBOUND, kwargs={"message_id": str(pk)})
    return message


def _claim(pk, now) -> bool:
    return bool(
        OutboundMessage.objects.filter(pk=pk)
        .filter(Q(state=State.PENDING) | Q(state=State.SENDING, claimed_at__lt=now - stale_claim()))
        .update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def outbound_send_one(pk, *, final_attempt: bool = False) -> str:
    """Claim and send one row. Returns its state afterwards: "busy" when
    another run holds a fresh claim, "retry" when it failed for a reason that
    may pass and this is not the final attempt (the row is pending again)."""
    if not _claim(pk, timezone.now()):
        state = OutboundMessage.objects.filter(pk=pk).values_list("state", flat=True).first()
        return "busy" if state == State.SENDING else (state or "missing")
    message = OutboundMessage.objects.get(pk=pk)
    try:
        sent = transport_for(message.channel).send(message)
    except Exception as exc:
        retry = is_transient(exc) and not final_attempt
        OutboundMessage.objects.filter(pk=pk).update(
            state=State.PENDING if retry else State.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("outbound %s (%s, %s) failed: %s", pk, message.kind, message.channel, exc)
        return "retry" if retry else State.FAILED
    OutboundMessage.objects.filter(pk=pk).update(
        state=State.SENT,
        sent_at=timezone.now(),
        provider_id=(sent.provider_id or "")[:200],
        template=sent.template,
        last_error="",
    )
    return State.SENT


def outbound_send(*, message_id, final_attempt: bool = False) -> dict:
    """Send every row of `message_id` not sent yet (the sending task's body).

    Returns counts per outcome. Raises TransientDeliveryError when some
    failed transiently and this is not the final attempt (the task retries
    with backoff; on the final attempt they are failed instead), or when
    another run holds a claim (come back when it has gone stale)."""
    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    busy, first_error = 0, ""
    pks = OutboundMessage.objects.filter(message_id=message_id).exclude(state__in=(State.SENT, State.FAILED))
    for pk in list(pks.order_by("created_at", "id").values_list("pk", flat=True)):
        outcome = outbound_send_one(pk, final_attempt=final_attempt)
        if outcome == State.SENT:
            counts["sent"] += 1
        elif outcome == State.FAILED:
            counts["failed"] += 1
        elif outcome in ("retry", "busy"):
            counts["retry"] += 1
            busy += outcome == "busy"
            if outcome == "retry" and not first_error:
                first_error = OutboundMessage.objects.filter(pk=pk).values_list("last_error", flat=True).first()
        else:
            counts["skipped"] += 1
    if counts["retry"] - busy and not final_attempt:
        raise TransientDeliveryError(f"{counts['retry'] - busy} pesan gagal sementara: {first_error}")
    if busy and not final_attempt:
        # Claimed by another run, which may have been killed mid-send (its
        # task then comes back at once, as this one).
        raise TransientDeliveryError(
            f"{busy} pesan sedang dikirim proses lain", retry_after=int(stale_claim().total_seconds()) + 1
        )
    return counts


def outbound_requeue(*, older_than: timedelta = LEFT_BEHIND, limit: int = 500) -> int:
    """Queue the sending task again for batches it left behind: rows still
    pending long after they were written (their outbox row gave up
    publishing), or left "sending" past the stale claim by a worker that died
    after the task had used its last attempt. Rows without content (recorded
    before the ledger kept it) wait for their producer. Returns how many batches."""
    now = timezone.now()
    stuck = (
        OutboundMessage.objects.filter(
            Q(state=State.PENDING, created_at__lt=now - older_than)
            | Q(state=State.SENDING, claimed_at__lt=now - max(stale_claim(), older_than))
        )
        .exclude(text="")
        .order_by()
        .values_list("message_id", flat=True)
        .distinct()
    )
    batches = list(stuck[:limit])
    with transaction.atomic():
        for message_id in batches:
            outbox_enqueue(task_name=TASK_SEND_OUTBOUND, kwargs={"message_id": str(message_id)})
    return len(batches)
