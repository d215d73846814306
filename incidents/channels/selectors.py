"""Reads of the message channels for the desk."""

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
