"""Reads of the message channels for the desk."""

import json
from dataclasses import dataclass

from django.db.models import Q

from incidents.channels.models import BlockedNumber, Conversation, InboundMessage
from incidents.channels.outbound import RESIDENT_KINDS
from kitaaman.models import OutboundMessage


@dataclass
class Line:
    """One message of a conversation as the desk shows it."""

    incoming: bool
    at: object
    text: str
    photos: int = 0
    lat: float | None = None
    lng: float | None = None
    state: str = ""
    state_label: str = ""


def conversation_for_incident(incident) -> dict | None:
    """The messages that produced a report and the answers sent back, oldest
    first; None for a report that did not come by SMS or WhatsApp. Callers
    show it only to users who may see the reporter's identity: it carries
    the number and the resident's own words."""
    conversations = list(Conversation.objects.filter(incident=incident).order_by("started_at"))
    if not conversations:
        return None
    inbound = InboundMessage.objects.filter(conversation__in=conversations).prefetch_related("photos")
    outbound = OutboundMessage.objects.filter(
        Q(conversation_id__in=[c.pk for c in conversations]) | Q(incident_id=incident.pk, kind__in=RESIDENT_KINDS)
    )
    lines = [
        Line(
            incoming=True,
            # The portal's clock, not the phone's: both sides of the exchange on one clock.
            at=m.created_at,
            text=m.text,
            photos=sum(1 for p in m.photos.all() if p.image and not p.error),
            lat=m.lat,
            lng=m.lng,
        )
        for m in inbound
    ]
    lines += [
        Line(incoming=False, at=m.created_at, text=m.text, state=m.state, state_label=m.get_state_display())
        for m in outbound
    ]
    lines.sort(key=lambda line: line.at)
    sender = conversations[-1].sender
    return {
        "channel": conversations[-1].get_channel_display(),
        "sender": sender,
        "lines": lines,
        "blocked": BlockedNumber.objects.filter(number=sender).exists(),
    }


def blocked_numbers():
    return BlockedNumber.objects.select_related("blocked_by").order_by("-created_at", "-id")


UNREAD_PAGE = 100
RAW_PREVIEW_CHARS = 2000


def messages_for_desk_review(limit: int = UNREAD_PAGE) -> list[dict]:
    """Messages the portal stored but could not read or could not process,
    newest first, each with its raw payload as text (cut short). Carries the
    sender: for users who may see a reporter's identity (the koordinator)."""
    rows = InboundMessage.objects.filter(
        state__in=(InboundMessage.State.UNREADABLE, InboundMessage.State.FAILED)
    ).order_by("-created_at", "-id")[:limit]
    result = []
    for m in rows:
        raw = json.dumps(m.raw, ensure_ascii=False, indent=1)
        if len(raw) > RAW_PREVIEW_CHARS:
            raw = raw[:RAW_PREVIEW_CHARS] + "…"
        result.append({"message": m, "raw": raw})
    return result
