"""Warnings of a desa by SMS: `DAFTAR <desa>` asks, YA from the same number
confirms (the number proves itself, as the link does on the web), and the
stop words end every subscription of the number along with the news of
reports. The subscribers are the warnings app's own, reached through
incidents.signals (incidents never imports spm)."""

import re

from incidents.channels import guided, matching, texts
from incidents.channels.models import Conversation
from incidents.models import Desa
from incidents.signals import warnings_sms_subscribe, warnings_sms_unsubscribe

DAFTAR = re.compile(r"^DAFTAR\b[\s:#]*(.*)$", re.IGNORECASE | re.DOTALL)
STEP = "subscribe"


def _changed(results) -> int:
    return sum(r for _receiver, r in results if isinstance(r, int))


def request(turn: guided.Turn, desa_text: str) -> None:
    name, _landmark = matching.split_landmark(desa_text.strip())
    match = matching.match_desa(name) if name else None
    if match is None or match.desa is None:
        if match is not None and match.choices:
            turn.say(texts.subscribe_which([d.name for d in match.choices]))
        elif name:
            turn.say(texts.desa_not_found(name))
            turn.say(texts.subscribe_usage())
        else:
            turn.say(texts.subscribe_usage())
        turn.confused = True
        return
    guided.start(turn)
    turn.conversation.step = STEP
    turn.conversation.data["subscribe_desa"] = match.desa.code
    turn.say(texts.subscribe_ask(match.desa.name))


def answer(turn: guided.Turn) -> None:
    conversation = turn.conversation
    desa = Desa.objects.filter(code=conversation.data.get("subscribe_desa")).only("name").first()
    if desa is not None and matching.is_yes(turn.text):
        results = warnings_sms_subscribe.send(
            sender=turn.inbound.channel, number=turn.inbound.sender, desa_code=conversation.data["subscribe_desa"]
        )
        guided.close(conversation, Conversation.Status.DONE, turn.now)
        turn.say(texts.subscribed(desa.name) if _changed(results) else texts.subscribe_unavailable())
        return
    if desa is None or matching.is_no(turn.text):
        guided.close(conversation, Conversation.Status.CANCELLED, turn.now)
        turn.say(texts.subscribe_cancelled())
        return
    turn.confused = True
    turn.say(texts.subscribe_ask(desa.name))


def unsubscribe(turn: guided.Turn) -> int:
    """End every warnings subscription of the number; returns how many ended."""
    return _changed(warnings_sms_unsubscribe.send(sender=turn.inbound.channel, number=turn.inbound.sender))
