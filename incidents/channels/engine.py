"""What a message says, decided first: STOP/MULAI, CEK <kode>, an answer in a
TAMBAH conversation (extras.py), BALAS <kode>, DAFTAR <desa>, BATAL, TAMBAH,
RAHASIA, LAPOR (start the guided report, with or without the first words of
the story, or the one-message form LAPOR#jenis#desa#cerita), an answer to
the step a conversation is at, more of a report made within the day (added
to it), the start of a story, or else the help text.

A conversation quiet for a while is taken up where it stopped when the
villager writes again (within a day). Replies saying "not understood" are
counted per number: after three in a row, one notice, then silence until
something is understood.

`handle` runs inside the processor's transaction with the sender's contact
row locked, so one sender's messages are handled one at a time and in order.
It returns the reply text; the caller sends it.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from incidents.channels import extras, guided, matching, reporter_messages, story, subscribe, texts
from incidents.channels.models import Contact, Conversation, InboundMessage
from incidents.channels.services import report_make_secret, reporter_addition_add
from incidents.intake.tracking import incident_by_tracking_code, normalize_tracking_code
from incidents.public.selectors import last_public_note

STOP_WORDS = {"STOP", "BERHENTI", "UNREG"}
START_WORDS = {"MULAI", "START"}
CANCEL_WORDS = {"BATAL", "BATALKAN"}
CHECK = re.compile(r"^CEK\b[\s:#]*(.*)$", re.IGNORECASE | re.DOTALL)
REPLY = re.compile(r"^BALAS\b[\s:#]*(.*)$", re.IGNORECASE | re.DOTALL)
COURTESY = {"terima", "kasih", "makasih", "trims", "tks", "thanks", "ok", "oke", "okey", "siap", "baik", "sip", "ya"}
SECRET_WORDS = {"rahasia", "rahasiakan", "dirahasiakan", "rahasiain", "dirahasiain"}
# A conversation left this long is dropped; before that it is taken up again.
RESUME_LIMIT = timedelta(days=1)
# What the reporter sends this long after a report is added to it.
ADDITION_WINDOW = timedelta(days=1)
# Replies of "not understood" in a row before the single notice.
MAX_CONFUSED = 3
CONFUSED_TTL = 60 * 60


def handle(inbound: InboundMessage, *, now=None) -> str:
    turn = guided.Turn(inbound=inbound, now=now or timezone.now())
    conversation = (
        Conversation.objects.filter(channel=inbound.channel, sender=inbound.sender, status=Conversation.Status.OPEN)
        .order_by("-started_at")
        .first()
    )
    expired = resumed = False
    if conversation is not None and conversation.last_activity_at < turn.now - RESUME_LIMIT:
        guided.close(conversation, Conversation.Status.EXPIRED, turn.now)
        conversation, expired = None, True
    elif conversation is not None and _is_idle(conversation, turn.now):
        resumed = True
    turn.conversation = conversation
    _dispatch(turn, expired=expired, resumed=resumed)
    if turn.conversation is not None:
        inbound.conversation = turn.conversation
        if turn.conversation.status == Conversation.Status.OPEN:
            turn.conversation.last_activity_at = turn.now
            turn.conversation.save(update_fields=["step", "data", "last_activity_at"])
    return _limit_confusion(turn)


def _is_idle(conversation: Conversation, now) -> bool:
    return conversation.last_activity_at < now - timedelta(minutes=settings.CHANNELS_CONVERSATION_IDLE_MINUTES)


def _confused_key(channel: str, sender: str) -> str:
    return f"channels:confused:{channel}:{sender}"


def confusion_noticed(*, channel: str, sender: str) -> bool:
    """Whether the number has had the notice that its messages are not understood."""
    return (cache.get(_confused_key(channel, sender)) or 0) > MAX_CONFUSED


def _limit_confusion(turn: guided.Turn) -> str:
    """The reply, unless it would be a fourth "not understood" in a row: then
    one notice, and nothing after it until a message is understood."""
    key = _confused_key(turn.inbound.channel, turn.inbound.sender)
    if not turn.confused:
        cache.delete(key)
        return "\n".join(turn.lines)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, CONFUSED_TTL)
        count = 1
    if count <= MAX_CONFUSED:
        return "\n".join(turn.lines)
    return texts.confused_notice() if count == MAX_CONFUSED + 1 else ""


def _asks_secret(turn: guided.Turn) -> bool:
    words = matching.meaningful_words(turn.text)
    return bool(SECRET_WORDS & set(words)) and len(words) <= 10


def _recent_report(turn: guided.Turn):
    """The report this number made by this channel within the day, if any."""
    done = (
        Conversation.objects.filter(
            channel=turn.inbound.channel,
            sender=turn.inbound.sender,
            status=Conversation.Status.DONE,
            incident__isnull=False,
            closed_at__gte=turn.now - ADDITION_WINDOW,
        )
        .select_related("incident")
        .order_by("-closed_at")
        .first()
    )
    return done


def _dispatch(turn: guided.Turn, *, expired: bool, resumed: bool = False) -> None:
    command, conversation = turn.command, turn.conversation
    if not turn.text and any(m.get("type") in ("audio", "voice") for m in turn.inbound.media or []):
        # WhatsApp voice notes: the portal cannot listen; whatever step was asked still is.
        turn.say(texts.voice_note())
        return
    if command in STOP_WORDS:
        _set_opt_out(turn, opted_out=True)
        turn.say(texts.opted_out())
        if subscribe.unsubscribe(turn):
            turn.say(texts.warnings_stopped())
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
    if conversation is not None and conversation.step == extras.STEP:
        if extras.answer(turn):
            return
        conversation = None
    reply = REPLY.match(turn.text)
    if reply and conversation is None:
        _reply_to_report(turn, reply.group(1))
        return
    daftar = subscribe.DAFTAR.match(turn.text)
    # Inside a report "daftar …" may be part of the story.
    if daftar and conversation is None:
        subscribe.request(turn, daftar.group(1))
        return
    if command in CANCEL_WORDS:
        if conversation is None:
            turn.say(texts.nothing_to_cancel())
            turn.say(texts.help_text())
        else:
            guided.close(conversation, Conversation.Status.CANCELLED, turn.now)
            turn.say(texts.cancelled())
        return
    if command in extras.ADD_WORDS and conversation is None:
        _add_more(turn)
        return
    if _asks_secret(turn):
        _secret(turn)
        return
    first = command.split(" ", 1)[0] if command else ""
    if guided.ONE_MESSAGE.match(turn.text):
        # Pieces of the same story that arrived just before it (a story still
        # waiting for its category) stay with it; anything else starts afresh.
        story_first = (
            conversation is not None
            and conversation.step in ("category", "category_choice")
            and story.within_window(conversation.data, turn.inbound.received_at)
        )
        if not story_first:
            guided.start(turn)
        guided.one_message(turn)
        return
    # Inside a report, "lapor pak, air naik…" is the story, not a new report.
    if command == "LAPOR" or (first == "LAPOR" and conversation is None):
        guided.start(turn)
        _lapor_words(turn, turn.text[len("LAPOR") :].strip(" :,.-"))
        guided.advance(turn)
        return
    if conversation is None:
        _outside_conversation(turn, expired=expired)
        return
    if conversation.step == subscribe.STEP:
        subscribe.answer(turn)
        return
    if resumed:
        turn.say(texts.resumed())
    guided.answer(turn)


def _lapor_words(turn: guided.Turn, rest: str) -> None:
    """LAPOR followed by words: the start of the story, or the category ("LAPOR banjir")."""
    if story.looks_like_story(rest):
        story.add_part(turn.conversation.data, rest, turn.inbound.received_at, head=True)
        return
    found = matching.match_category(rest, matching.active_categories()) if rest else []
    if len(found) == 1:
        turn.conversation.data.update(category=found[0].pk, answers={})
    elif found:
        turn.conversation.data["category_choices"] = [c.pk for c in found]


def _add_more(turn: guided.Turn) -> None:
    """TAMBAH after a report: when it happened and the optional questions."""
    done = _recent_report(turn)
    if done is None:
        turn.confused = True
        turn.say(texts.nothing_to_add())
        turn.say(texts.help_text())
        return
    extras.start(turn, done.incident)


def _reply_to_report(turn: guided.Turn, raw: str) -> None:
    """BALAS <kode> <pesan>: an addition to one's own report, at any time."""
    code, _sep, text = raw.strip().partition(" ")
    incident = incident_by_tracking_code(code) if code else None
    if incident is None or incident.reporter_phone != turn.inbound.sender or not text.strip():
        turn.confused = True
        turn.say(texts.reply_usage())
        return
    answer = reporter_messages.was_written_to(incident)
    reporter_addition_add(incident=incident, channel=turn.inbound.channel, text=text, join=False, answer=answer)
    turn.say(texts.answer_passed_on(incident.tracking_code) if answer else texts.story_added(incident.tracking_code))


def _outside_conversation(turn: guided.Turn, *, expired: bool) -> None:
    if guided.has_photos(turn.inbound):
        turn.say(texts.photo_outside_report())
        return
    done = _recent_report(turn) if turn.text else None
    asked = reporter_messages.awaiting_answer(channel=turn.inbound.channel, sender=turn.inbound.sender, now=turn.now)
    if turn.text and asked is not None and (done is None or asked[1] >= done.closed_at):
        # An officer wrote from the desk: whatever comes back (even "ya") is the answer.
        incident = asked[0]
        reporter_addition_add(incident=incident, channel=turn.inbound.channel, text=turn.text, join=False, answer=True)
        turn.say(texts.answer_passed_on(incident.tracking_code))
        return
    if done is not None and set(matching.meaningful_words(turn.text)) <= COURTESY:
        # "makasih", "ok" after the report: a paid answer would only cost the Pemda.
        return
    if done is not None:
        # More of the story, or a correction: on the report, for the officers.
        join = turn.inbound.received_at - done.closed_at <= story.WINDOW
        reporter_addition_add(incident=done.incident, channel=turn.inbound.channel, text=turn.text, join=join)
        turn.say(texts.story_added(done.incident.tracking_code))
        return
    if story.looks_like_story(turn.text):
        # The story before LAPOR (or its first SMS delivered late): kept, and the rest asked.
        guided.start(turn)
        story.add_part(turn.conversation.data, turn.text, turn.inbound.received_at)
        turn.say(texts.story_kept())
        guided.advance(turn)
        return
    if expired:
        turn.say(texts.expired())
    turn.confused = True
    turn.say(texts.help_text())


def _secret(turn: guided.Turn) -> None:
    if turn.conversation is not None:
        turn.conversation.data["secret"] = True
        turn.conversation.data["privacy_told"] = True
        turn.say(texts.secret_noted())
        guided.advance(turn)
        return
    done = _recent_report(turn)
    if done is not None:
        report_make_secret(incident=done.incident, channel=turn.inbound.channel)
        turn.say(texts.secret_report(done.incident.tracking_code))
        return
    turn.say(texts.privacy())
    turn.say(texts.help_text())


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
