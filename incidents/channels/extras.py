"""More on a report already sent, when the villager wants it: when it
happened and the category's optional questions (the `details` the web form
asks), one short question each; LEWAT skips one, SELESAI (or BATAL) stops.

The report goes to the officers first: a villager in a flood should not
answer ten questions before anyone knows. The confirmation offers TAMBAH
when the line costs no extra SMS part (always on WhatsApp); TAMBAH within a
day of the report opens a short conversation tied to it, and each answer is
stored on the report at once, as the web form stores it
(services.reporter_details_add), so stopping half-way loses nothing. A
message that is not an answer but more of the story is the reporter's
addition, and the question is asked again.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incidents.channels import guided, matching, story, texts, when
from incidents.channels.answers import parse_answer
from incidents.channels.models import Conversation
from incidents.channels.services import report_make_secret, reporter_addition_add, reporter_details_add
from incidents.models import Incident

STEP = "extra"
WHEN = "_when"
ADD_WORDS = {"TAMBAH", "TAMBAHAN", "TAMBAHKAN"}
SKIP_WORDS = {"lewat", "lewati", "lwt", "skip", "tidak tahu", "tidak tau", "tdk tahu", "gak tahu", "ga tau", "entah"}
STOP_WORDS = {"selesai", "cukup", "sudah", "sdh", "batal", "stop tambah"}
SECRET_WORDS = {"rahasia", "rahasiakan", "dirahasiakan"}


def optional_questions(category) -> list[dict]:
    """The questions the web form asks and the SMS conversation did not: not
    required, not the officers' own."""
    return [q for q in category.questions or [] if not q.get("required") and not q.get("staff")]


def start(turn: guided.Turn, incident: Incident) -> None:
    guided.start(turn)
    conversation = turn.conversation
    conversation.incident = incident
    conversation.step = STEP
    conversation.data = {"adding": incident.pk, "done": []}
    conversation.save(update_fields=["incident", "step", "data"])
    _ask_next(turn, incident)


def _pending(incident: Incident, data: dict) -> list[str]:
    done = set(data.get("done") or [])
    codes = [] if incident.occurred_at is not None or WHEN in done else [WHEN]
    answered = incident.details or {}
    codes += [q["code"] for q in optional_questions(incident.category) if q["code"] not in set(answered) | done]
    return codes


def _question(incident: Incident, code: str) -> dict | None:
    return next((q for q in optional_questions(incident.category) if q["code"] == code), None)


def _ask_next(turn: guided.Turn, incident: Incident, *, problem: str = "") -> None:
    data = turn.conversation.data
    pending = _pending(incident, data)
    if not pending:
        _finish(turn, incident)
        return
    code = data["question"] = pending[0]
    turn.say(problem)
    turn.say(texts.ask_when() if code == WHEN else texts.ask_optional(_question(incident, code)))


def _finish(turn: guided.Turn, incident: Incident) -> None:
    turn.conversation.data.pop("question", None)
    guided.close(turn.conversation, Conversation.Status.DONE, turn.now, incident=incident)
    turn.say(texts.details_added(incident.tracking_code))


def answer(turn: guided.Turn) -> bool:
    """Handle a message of the TAMBAH conversation. False when it is not for
    it (LAPOR, a one-message report): the conversation is closed and the
    message goes on as if none were open."""
    conversation = turn.conversation
    data = conversation.data
    incident = Incident.objects.select_related("category").filter(pk=data.get("adding")).first()
    first = turn.command.split(" ", 1)[0] if turn.command else ""
    if incident is None or first.startswith("LAPOR"):
        guided.close(conversation, Conversation.Status.DONE, turn.now, incident=incident)
        turn.conversation = None
        return False
    words = " ".join(matching.meaningful_words(turn.text))
    code = data.get("question")
    if words in STOP_WORDS:
        _finish(turn, incident)
        return True
    if words in SECRET_WORDS:
        report_make_secret(incident=incident, channel=turn.inbound.channel)
        turn.say(texts.secret_report(incident.tracking_code))
        _ask_next(turn, incident)
        return True
    if words in SKIP_WORDS or not code:
        data.setdefault("done", []).append(code)
        _ask_next(turn, incident)
        return True
    problem = _store(turn, incident, code)
    if problem is None:
        data.setdefault("done", []).append(code)
    _ask_next(turn, incident, problem=problem or "")
    return True


def _store(turn: guided.Turn, incident: Incident, code: str) -> str | None:
    """Store the answer on the report; the problem to tell when it is none."""
    channel = turn.inbound.channel
    try:
        if code == WHEN:
            at = when.parse_when(turn.text, turn.now)
            if at is None:
                return _not_an_answer(turn, incident, texts.when_not_understood(turn.text))
            note = _("waktu kejadian %(when)s") % {"when": texts.when(at)}
            reporter_details_add(incident=incident, channel=channel, note=note, occurred_at=at)
            return None
        question = _question(incident, code)
        value = parse_answer(question, turn.text) if question else None
        if value is None:
            return _not_an_answer(turn, incident, texts.answer_not_understood(turn.text))
        shown = (_("ya") if value else _("tidak")) if isinstance(value, bool) else value
        if question.get("type") == "choice":
            shown = dict((str(c[0]), c[1]) for c in question.get("choices", [])).get(str(value), value)
        note = f"{question['label'].rstrip('?')}: {shown}"
        reporter_details_add(incident=incident, channel=channel, note=note, details={code: value})
    except ValidationError as exc:
        turn.confused = True
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return None


def _not_an_answer(turn: guided.Turn, incident: Incident, problem: str) -> str:
    if story.looks_like_story(turn.text):
        # More of the story, not an answer: kept on the report all the same.
        reporter_addition_add(incident=incident, channel=turn.inbound.channel, text=turn.text, join=False)
        return texts.story_added(incident.tracking_code)
    turn.confused = True
    return problem
