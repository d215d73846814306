"""What a channel adapter could not read: stored as it came and flagged for the desk."""

from django.utils import timezone

from incidents.channels.cleaning import fingerprint
from incidents.channels.services import InboundPayload


def unreadable_payload(channel: str, raw, why: str, *, provider_id: str = "", sender: str = "") -> InboundPayload:
    """`raw` as it came (wrapped when it is not an object), with `why` it could not be read."""
    raw = raw if isinstance(raw, dict) else {"item": raw}
    return InboundPayload(
        channel=channel,
        provider_id=provider_id or fingerprint(raw),
        sender=sender,
        received_at=timezone.now(),
        raw=raw,
        unreadable=why,
    )
