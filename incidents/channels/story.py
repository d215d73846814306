"""The villager's story, whole however it arrives.

A phone splits a long SMS into several, and the network may deliver them out
of order. Every piece of story a conversation receives is kept as a part with
the gateway's received time; the description is the parts joined: the part
that started the report (the one-message form, or the answer to "what
happened?") first, the others in the order the gateway received them. A part
the gateway received before the one that started the report is marked
"(lanjutan)": its place in the story is uncertain.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from incidents.channels import matching

# Pieces of one story arrive within this long of each other.
WINDOW = timedelta(minutes=getattr(settings, "CHANNELS_STORY_WINDOW_MINUTES", 5))
# A message with at least this many words is story, not an answer to a menu.
STORY_WORDS = 5
MAX_DESCRIPTION = 5000


def continuation_marker() -> str:
    return _("(lanjutan)")


def add_part(data: dict, text: str, received_at: datetime, *, head: bool = False) -> None:
    """Keep a piece of the story and rebuild the description from all of them."""
    text = " ".join((text or "").split())
    if not text:
        return
    parts = data.setdefault("parts", [])
    parts.append({"at": received_at.isoformat(), "text": text, "head": head})
    data["description"] = compose(parts)


def compose(parts: list[dict]) -> str:
    ordered = sorted(parts, key=lambda p: p["at"])
    heads = [p for p in ordered if p["head"]]
    if not heads:
        return " ".join(p["text"] for p in ordered)[:MAX_DESCRIPTION]
    first_at = heads[0]["at"]
    pieces = [p["text"] for p in heads]
    for part in ordered:
        if part["head"]:
            continue
        pieces.append(f"{continuation_marker()} {part['text']}" if part["at"] < first_at else part["text"])
    return " ".join(pieces)[:MAX_DESCRIPTION]


def last_part_at(data: dict) -> datetime | None:
    parts = data.get("parts") or []
    return datetime.fromisoformat(max(p["at"] for p in parts)) if parts else None


def within_window(data: dict, received_at: datetime) -> bool:
    last = last_part_at(data)
    return last is not None and abs(received_at - last) <= WINDOW


def looks_like_story(text: str) -> bool:
    """Free words, not an answer to a menu ("Air sudah masuk rumah, jalan putus")."""
    return len([w for w in matching.meaningful_words(text) if w.isalpha()]) >= STORY_WORDS
