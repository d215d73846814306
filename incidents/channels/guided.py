"""The guided report: a category from a menu (by number, name, synonym or
a word one letter off), the desa (by name, with a dusun/RT kept as the
landmark, from a numbered list per kecamatan, or a shared location), what
happened (in as many SMS as it takes: story.py), the category's required
questions, for a conflict whether to keep the reporter secret, photos
(WhatsApp), confirm; and the one-message form LAPOR#jenis#desa#cerita, which
fills in what it can.

Each step asks for the first thing still missing (`advance`), so a
conversation that starts from the one-message form or loses a field to a
validation error simply picks up there.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from incidents.channels import matching, story, texts
from incidents.channels.answers import parse_answer
from incidents.channels.models import Conversation, InboundMedia, InboundMessage
from incidents.channels.submit import conversation_client_uuid, conversation_report_submit
from incidents.intake.services import resolve_location
from incidents.models import Category, Channel, Desa
from kitaaman.gsm import segments

ONE_MESSAGE = re.compile(r"^LAPOR\s*#", re.IGNORECASE)
MIN_DESCRIPTION = 10
QUESTION_STEP = "question"
SECRET_STEP = "secret"
LONG_TEXT = 60
MENU = "MENU"


@dataclass
class Turn:
    """One message being handled and what it produced."""

    inbound: InboundMessage
    now: object
    conversation: Conversation | None = None
    lines: list = field(default_factory=list)
    # The reply says something was not understood (engine.py counts these).
    confused: bool = False

    @property
    def whatsapp(self) -> bool:
        return self.inbound.channel == Channel.WHATSAPP

    @property
    def text(self) -> str:
        return (self.inbound.text or "").strip()

    @property
    def command(self) -> str:
        return " ".join(self.text.upper().split())

    def say(self, text: str) -> None:
        if text:
            self.lines.append(text)


def close(conversation: Conversation, status: str, now, incident=None) -> None:
    conversation.status = status
    conversation.closed_at = now
    if incident is not None:
        conversation.incident = incident
    conversation.save(update_fields=["status", "closed_at", "incident", "step", "data", "last_activity_at"])


def start(turn: Turn) -> None:
    if turn.conversation is not None:
        close(turn.conversation, Conversation.Status.CANCELLED, turn.now)
    turn.conversation = Conversation.objects.create(
        channel=turn.inbound.channel,
        sender=turn.inbound.sender,
        started_at=turn.now,
        last_activity_at=turn.now,
        data={},
    )


def _category(data) -> Category | None:
    if not data.get("category"):
        return None
    return Category.objects.filter(pk=data["category"], active=True).first()


def _desa(data) -> Desa | None:
    if not data.get("desa"):
        return None
    return Desa.objects.select_related("kecamatan").defer("boundary", "kecamatan__boundary").get(code=data["desa"])


def _required_questions(category: Category) -> list[dict]:
    # Questions marked "staff" are the officers' (asked on the desk), never the resident's.
    return [q for q in category.questions or [] if q.get("required") and not q.get("staff")]


def _next_question(category: Category, answers: dict) -> dict | None:
    for question in _required_questions(category):
        if question["code"] not in answers:
            return question
    return None


def advance(turn: Turn, *, problem: str = "", submit_when_complete: bool = False) -> None:
    """Ask for the first thing still missing, or confirm (or submit) when nothing is."""
    conversation = turn.conversation
    data = conversation.data
    category = _category(data)
    if category is None:
        if data.get("category_choices"):
            conversation.step = "category_choice"
            turn.say(problem)
            turn.say(texts.category_choice(_category_choices(data)))
            return
        conversation.step = "category"
        if data.get("parts") and not problem and not data.get("menu_shown"):
            # The story came first: its category is usually one word away, the list costs two parts.
            data["menu_shown"] = True
            turn.say(texts.ask_category_short())
            return
        turn.say(texts.category_menu(matching.active_categories(), problem=problem))
        return
    if not data.get("desa"):
        if data.get("choices"):
            conversation.step = "desa_choice"
            turn.say(texts.desa_menu(_choices(data), problem=problem, with_kecamatan=True))
            return
        conversation.step = "desa"
        turn.say(texts.ask_desa(whatsapp=turn.whatsapp, problem=problem))
        return
    if not data.get("description"):
        conversation.step = "description"
        turn.say(problem)
        turn.say(texts.ask_description(whatsapp=turn.whatsapp))
        _tell_privacy(turn)
        return
    question = _next_question(category, data.setdefault("answers", {}))
    if question is not None:
        conversation.step = QUESTION_STEP
        data["question"] = question["code"]
        turn.say(texts.ask_question(question, problem=problem))
        return
    if category.is_conflict and "secret" not in data:
        conversation.step = SECRET_STEP
        turn.say(problem)
        _tell_privacy(turn)
        turn.say(texts.ask_secret())
        return
    if submit_when_complete:
        _submit(turn)
        return
    conversation.step = "confirm"
    turn.say(problem)
    _tell_privacy(turn)
    turn.say(
        texts.confirm(
            texts.summary_lines(
                category=category,
                desa=_desa(data),
                description=data["description"],
                answers=_answer_labels(category, data["answers"]),
                landmark=data.get("landmark", ""),
                secret=bool(data.get("secret")),
                room=texts.SINGLE if not data.get("answers") else 2 * texts.MULTI,
            ),
            whatsapp=turn.whatsapp,
            photos=len(_conversation_photos(conversation)),
        )
    )


def _tell_privacy(turn: Turn) -> None:
    """Once in every conversation, before anything is sent: who sees the number."""
    data = turn.conversation.data
    if not data.get("privacy_told"):
        turn.say(texts.privacy())
        data["privacy_told"] = True


def _category_choices(data) -> list[Category]:
    by_pk = {c.pk: c for c in matching.active_categories()}
    return [by_pk[pk] for pk in data.get("category_choices") or [] if pk in by_pk]


def _choices(data) -> list[Desa]:
    codes = data.get("choices") or []
    by_code = {
        d.code: d
        for d in Desa.objects.filter(code__in=codes)
        .select_related("kecamatan")
        .defer("boundary", "kecamatan__boundary")
    }
    return [by_code[c] for c in codes if c in by_code]


# Numbers are read with str.isdecimal(): isdigit() also accepts "²", which int() refuses.


def answer(turn: Turn) -> None:
    step = turn.conversation.step
    if turn.inbound.lat is not None and step not in ("desa", "desa_choice", "kecamatan"):
        # A shared location is the place of the report whenever it comes.
        _answer_desa(turn)
        return
    handler = {
        "category": _answer_category,
        "category_choice": _answer_category_choice,
        SECRET_STEP: _answer_secret,
        "desa": _answer_desa,
        "kecamatan": _answer_kecamatan,
        "desa_choice": _answer_desa_choice,
        "description": _answer_description,
        QUESTION_STEP: _answer_question,
        "confirm": _answer_confirm,
    }.get(step)
    if handler is None:
        advance(turn)
        return
    handler(turn)


def _story_goes_on(turn: Turn, *, anytime: bool = False) -> bool:
    """More story (free words, not the answer asked for) arriving soon after
    the last part, or `anytime` before confirming: kept, acknowledged in one
    line, and the step asked again."""
    data = turn.conversation.data
    if not data.get("parts") or not story.looks_like_story(turn.text):
        return False
    if not anytime and not story.within_window(data, turn.inbound.received_at):
        return False
    story.add_part(data, turn.text, turn.inbound.received_at)
    turn.say(texts.story_added())
    advance(turn)
    return True


def _ask_again(turn: Turn, problem: str) -> None:
    """The answer fits nothing: the step is asked again, saying why."""
    turn.confused = True
    advance(turn, problem=problem)


def _set_category(turn: Turn, category: Category) -> None:
    turn.conversation.data["category"] = category.pk
    turn.conversation.data["answers"] = {}
    turn.conversation.data.pop("category_choices", None)


def _answer_category(turn: Turn) -> None:
    categories = matching.active_categories()
    if turn.command == MENU:
        turn.say(texts.category_menu(categories))
        return
    found = matching.match_category(turn.text, categories)
    if len(found) == 1:
        _set_category(turn, found[0])
        advance(turn)
        return
    if found:
        turn.conversation.data["category_choices"] = [c.pk for c in found]
        advance(turn)
        return
    if story.looks_like_story(turn.text):
        # The story first, the category after: keep it and ask.
        story.add_part(turn.conversation.data, turn.text, turn.inbound.received_at)
        turn.say(texts.story_kept())
        advance(turn)
        return
    _ask_again(turn, texts.category_not_understood(turn.text, len(categories)))


def _answer_category_choice(turn: Turn) -> None:
    choices = _category_choices(turn.conversation.data)
    number = matching.parse_number(turn.text)
    found = [choices[number - 1]] if number and 0 < number <= len(choices) else []
    found = (
        found
        or matching.match_category(turn.text, choices)
        or matching.match_category(turn.text, matching.active_categories())
    )
    if len(found) == 1:
        _set_category(turn, found[0])
        advance(turn)
        return
    _ask_again(turn, texts.answer_not_understood(turn.text))


def _answer_secret(turn: Turn) -> None:
    if matching.is_yes(turn.text) or matching.is_no(turn.text):
        turn.conversation.data["secret"] = matching.is_yes(turn.text)
        advance(turn)
        return
    if not _story_goes_on(turn):
        _ask_again(turn, texts.answer_not_understood(turn.text))


def _set_desa(turn: Turn, desa: Desa, *, lat=None, lng=None) -> None:
    data = turn.conversation.data
    data["desa"] = desa.code
    data.pop("choices", None)
    if lat is not None:
        data["lat"], data["lng"] = lat, lng


def _answer_desa(turn: Turn) -> None:
    inbound = turn.inbound
    if inbound.lat is not None and inbound.lng is not None:
        try:
            desa, lat, lng = resolve_location(lat=inbound.lat, lng=inbound.lng)
        except ValidationError:
            advance(turn, problem=texts.location_outside())
            return
        _set_desa(turn, desa, lat=lat, lng=lng)
        advance(turn)
        return
    if turn.command == "0":
        _show_kecamatan(turn)
        return
    _desa_by_name(turn)


def desa_from_text(data: dict, text: str) -> bool:
    """Fill the desa (or the candidates) from what was typed; a dusun, RT or
    landmark after the name is kept as the landmark. False when nothing fits."""
    name, landmark = matching.split_landmark(text)
    match = matching.match_desa(name)
    if match.desa is None and not match.choices and landmark:
        match, landmark = matching.match_desa(text), ""
    if landmark:
        data["landmark"] = landmark[:200]
    if match.desa is not None:
        data["desa"] = match.desa.code
        data.pop("choices", None)
        return True
    if match.choices:
        data["choices"] = [d.code for d in match.choices]
        return True
    data.pop("choices", None)
    return False


def _desa_by_name(turn: Turn) -> None:
    if not turn.text:
        _ask_again(turn, texts.answer_not_understood())
        return
    if desa_from_text(turn.conversation.data, turn.text):
        advance(turn)
        return
    if not _story_goes_on(turn):
        _ask_again(turn, texts.desa_not_found(turn.text))


def _show_kecamatan(turn: Turn, problem: str = "") -> None:
    turn.conversation.step = "kecamatan"
    turn.conversation.data.pop("choices", None)
    turn.say(texts.kecamatan_menu(matching.kecamatan_list(), problem=problem))


def _answer_kecamatan(turn: Turn) -> None:
    kecamatan = matching.kecamatan_list()
    if turn.command.isdecimal():
        index = int(turn.command) - 1
        if 0 <= index < len(kecamatan):
            desa_list = matching.desa_of_kecamatan(kecamatan[index])
            turn.conversation.data["choices"] = [d.code for d in desa_list]
            turn.conversation.step = "desa_choice"
            turn.say(texts.desa_menu(desa_list))
            return
        turn.confused = True
        _show_kecamatan(turn, problem=texts.answer_not_understood(turn.text))
        return
    _desa_by_name(turn)


def _answer_desa_choice(turn: Turn) -> None:
    if turn.command == "0":
        _show_kecamatan(turn)
        return
    choices = _choices(turn.conversation.data)
    if turn.command.isdecimal():
        index = int(turn.command) - 1
        if 0 <= index < len(choices):
            _set_desa(turn, choices[index])
            advance(turn)
            return
        turn.confused = True
        turn.say(texts.desa_menu(choices, problem=texts.answer_not_understood(turn.text), with_kecamatan=True))
        return
    if turn.inbound.lat is not None:
        _answer_desa(turn)
        return
    _desa_by_name(turn)


def _answer_description(turn: Turn) -> None:
    text = turn.text
    photos = _take_photos(turn)
    if not text and photos:
        turn.say(texts.ask_description(whatsapp=True))
        return
    if len(text) < MIN_DESCRIPTION:
        turn.confused = True
        turn.say(texts.description_too_short())
        return
    story.add_part(turn.conversation.data, text, turn.inbound.received_at, head=True)
    advance(turn)


def _answer_question(turn: Turn) -> None:
    category = _category(turn.conversation.data)
    code = turn.conversation.data.get("question")
    question = next((q for q in _required_questions(category) if q["code"] == code), None) if category else None
    if question is None:
        advance(turn)
        return
    free_text = question.get("type", "text") in ("text", "textarea")
    # A company's name is a few words; a long message right after the story is more story.
    if free_text and len(turn.text) >= LONG_TEXT and _story_goes_on(turn):
        return
    value = parse_answer(question, turn.text)
    if value is None and _story_goes_on(turn):
        return
    if value is None:
        _ask_again(turn, texts.answer_not_understood(turn.text))
        return
    turn.conversation.data.setdefault("answers", {})[code] = value
    turn.conversation.data.pop("question", None)
    advance(turn)


def _answer_labels(category: Category, answers: dict) -> list[tuple[str, str]]:
    labels = []
    for question in _required_questions(category):
        if question["code"] not in answers:
            continue
        value = answers[question["code"]]
        if isinstance(value, bool):
            value = _("ya") if value else _("tidak")
        elif question.get("type") == "choice":
            value = dict((str(c[0]), c[1]) for c in question.get("choices", [])).get(str(value), value)
        labels.append((question["label"], str(value)))
    return labels


def _answer_confirm(turn: Turn) -> None:
    if _take_photos(turn) and not turn.text:
        turn.say(texts.confirm_hint())
        return
    if matching.is_yes(turn.text):
        _submit(turn)
        return
    if not _story_goes_on(turn, anytime=True):
        _ask_again(turn, texts.answer_not_understood(turn.text))


# --- photos ----------------------------------------------------------------------------------------


def has_photos(inbound: InboundMessage) -> bool:
    return any(item.get("type") == "image" for item in inbound.media or [])


def _conversation_photos(conversation: Conversation) -> list[InboundMedia]:
    return list(
        InboundMedia.objects.filter(inbound__conversation=conversation, error="").exclude(image="").order_by("id")
    )


def _take_photos(turn: Turn) -> bool:
    """Attach this message's photos to the conversation and say what became
    of each. Returns whether the message carried any."""
    if not has_photos(turn.inbound):
        return False
    inbound = turn.inbound
    earlier = len([p for p in _conversation_photos(turn.conversation) if p.inbound_id != inbound.pk])
    # The photos count once this message belongs to the conversation.
    inbound.conversation = turn.conversation
    inbound.save(update_fields=["conversation"])
    for item in inbound.photos.all():
        if item.error:
            turn.say(texts.photo_rejected(item.error))
        elif earlier >= settings.MAX_PHOTOS:
            item.error = texts.photo_limit(settings.MAX_PHOTOS)[:300]
            item.save(update_fields=["error"])
            turn.say(item.error)
        else:
            earlier += 1
            turn.say(texts.photo_received(earlier, settings.MAX_PHOTOS))
    return True


# --- submitting --------------------------------------------------------------------------------------

ERROR_STEPS = (("description", "description"), ("desa", "desa"), ("lat", "desa"), ("category", "category"))


def _submit(turn: Turn) -> None:
    conversation = turn.conversation
    data = conversation.data
    category = _category(data)
    photos = [
        ContentFile(item.image.open("rb").read(), name="foto.jpg")
        for item in _conversation_photos(conversation)[: settings.MAX_PHOTOS]
    ]
    try:
        incident = conversation_report_submit(
            channel=turn.inbound.channel,
            sender=turn.inbound.sender,
            category=category,
            description=data.get("description", ""),
            desa_code=data.get("desa"),
            lat=data.get("lat"),
            lng=data.get("lng"),
            details=data.get("answers") or {},
            landmark=data.get("landmark", ""),
            secret=bool(data.get("secret")),
            told_before=bool(data.get("privacy_told")),
            photos=photos,
            client_uuid=conversation_client_uuid(conversation.pk),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "message_dict") else {"": exc.messages}
        for key, step_field in ERROR_STEPS:
            if key in errors:
                data.pop(step_field, None)
        messages = [m for msgs in errors.values() for m in msgs]
        advance(turn, problem=texts.not_submitted(messages))
        return
    close(conversation, Conversation.Status.DONE, turn.now, incident=incident)
    told = bool(data.get("privacy_told"))
    data["privacy_told"] = True
    received = texts.report_received(incident, whatsapp=turn.whatsapp, with_privacy=not told)
    offered = f"{received}\n{texts.offer_more()}"
    # TAMBAH (extras.py) is offered when the line costs no extra SMS part.
    turn.say(offered if turn.whatsapp or segments(offered) == segments(received) else received)


def one_message(turn: Turn) -> None:
    """LAPOR#jenis#desa#uraian: what is given and understood is filled in;
    complete ones become a report at once, others go on as a conversation."""
    parts = [p.strip() for p in turn.text.strip().split("#", 3)]
    parts += [""] * (4 - len(parts))
    _keyword, category_text, desa_text, description = parts
    data = turn.conversation.data
    problems = []
    if category_text:
        found = matching.match_category(category_text, matching.active_categories())
        if len(found) == 1:
            _set_category(turn, found[0])
        elif found:
            data["category_choices"] = [c.pk for c in found]
        else:
            problems.append(texts.category_not_understood(category_text, len(matching.active_categories())))
    if desa_text and not desa_from_text(data, desa_text):
        problems.append(texts.desa_not_found(desa_text))
    if len(description) >= MIN_DESCRIPTION or (description and data.get("parts")):
        story.add_part(data, description, turn.inbound.received_at, head=True)
    elif description:
        problems.append(texts.description_too_short())
    turn.confused = bool(problems)
    _take_photos(turn)
    advance(turn, problem=" ".join(problems), submit_when_complete=not problems and not data.get("category_choices"))
