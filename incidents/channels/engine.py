"""What a message says, decided first: STOP/MULAI, CEK <kode>, BATAL, LAPOR
(start the guided report, or the one-message form LAPOR#jenis#desa#uraian),
an answer to the step a conversation is at, or else the help text.

`handle` runs inside the processor's transaction with the sender's contact
row locked, so one sender's messages are handled one at a time and in order.
It returns the reply text; the caller sends it.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from incidents.channels import guided, texts
from incidents.channels.models import Contact, Conversation, InboundMessage
from incidents.intake.tracking import incident_by_tracking_code, normalize_tracking_code
from incidents.public.selectors import last_public_note

STOP_WORDS = {"STOP", "BERHENTI", "UNREG"}
START_WORDS = {"MULAI", "START"}
CANCEL_WORDS = {"BATAL", "BATALKAN"}
CHECK = re.compile(r"^CEK\b[\s:#]*(.*)$", re.IGNORECASE | re.DOTALL)


def handle(inbound: InboundMessage, *, now=None) -> str:
    turn = guided.Turn(inbound=inbound, now=now or timezone.now())
    conversation = (
        Conversation.objects.filter(channel=inbound.channel, sender=inbound.sender, status=Conversation.Status.OPEN)
        .order_by("-started_at")
        .first()
    )
    expired = False
    if conversation is not None and _is_idle(conversation, turn.now):
        guided.close(conversation, Conversation.Status.EXPIRED, turn.now)
        conversation, expired = None, True
    turn.conversation = conversation
    _dispatch(turn, expired=expired)
    if turn.conversation is not None:
        inbound.conversation = turn.conversation
        if turn.conversation.status == Conversation.Status.OPEN:
            turn.conversation.last_activity_at = turn.now
            turn.conversation.save(update_fields=["step", "data", "last_activity_at"])
    return "\n".join(turn.lines)


def _is_idle(conversation: Conversation, now) -> bool:
    return conversation.last_activity_at < now - timedelta(minutes=settings.CHANNELS_CONVERSATION_IDLE_MINUTES)


def _dispatch(turn: guided.Turn, *, expired: bool) -> None:
    command, conversation = turn.command, turn.conversation
    if command in STOP_WORDS:
        _set_opt_out(turn, opted_out=True)
        turn.say(texts.opted_out())
        return
    if command in START_WORDS:
        _set_opt_out(turn, opted_out=False)
        turn.say(texts.opted_in())
        return
    check = CHECK.match(turn.text)
    # Inside a report, "cek dulu…" may be part of the story: only a code makes it a command.
    if check and (conversation is None or normalize_tracking_code(check.group(1))):
        _check(turn, check.group(1))
        return
    if command in CANCEL_WORDS:
        if conversation is None:
            turn.say(texts.nothing_to_cancel())
            turn.say(texts.help_text())
        else:
            guided.close(conversation, Conversation.Status.CANCELLED, turn.now)
            turn.say(texts.cancelled())
        return
    first = command.split(" ", 1)[0] if command else ""
    if guided.ONE_MESSAGE.match(turn.text):
        guided.start(turn)
        guided.one_message(turn)
        return
    if command == "LAPOR" or (conversation is None and first == "LAPOR"):
        guided.start(turn)
        guided.advance(turn)
        return
    if conversation is None:
        if guided.has_photos(turn.inbound):
            turn.say(texts.photo_outside_report())
        else:
            turn.say(texts.help_text(expired=expired))
        return
    guided.answer(turn)


def _set_opt_out(turn: guided.Turn, *, opted_out: bool) -> None:
    Contact.objects.filter(number=turn.inbound.sender).update(opted_out_at=turn.now if opted_out else None)


# --- CEK -----------------------------------------------------------------------------------------


def _check(turn: guided.Turn, raw_code: str) -> None:
    raw_code = raw_code.strip()
    if not raw_code:
        turn.say(texts.check_usage())
        return
    incident = incident_by_tracking_code(raw_code)
    if incident is None:
        turn.say(texts.check_not_found(raw_code))
        return
    # What /lacak/ shows: the current status and the last public note, never an internal one.
    last_change = incident.events.filter(Q(kind="transition") | Q(kind="created")).order_by("-created_at", "-id")
    changed = last_change.first()
    turn.say(
        texts.check_answer(
            incident,
            changed_at=changed.created_at if changed else incident.created_at,
            note=last_public_note(incident),
        )
    )
