"""The one place where a message conversation becomes a report: through the
intake command that every channel uses, so a report by SMS or WhatsApp is
checked, numbered, routed and announced exactly like one from /lapor/."""

import uuid

from incidents.intake.services import report_submit
from incidents.intake.submission import Place, Reporter, Submission
from incidents.models import Category, ConsentBasis, Incident

NAMESPACE = uuid.UUID("5b0f7f0e-4d0c-4f43-9a55-6a1d1f0c2d7e")


def conversation_client_uuid(conversation_id: int) -> uuid.UUID:
    """A stable id per conversation: processing the confirming message again
    (a retried task) returns the report already made instead of a second one."""
    return uuid.uuid5(NAMESPACE, f"conversation:{conversation_id}")


def conversation_report_submit(
    *,
    channel: str,
    sender: str,
    category: Category,
    description: str,
    desa_code: str,
    lat: float | None,
    lng: float | None,
    details: dict,
    photos: list,
    landmark: str = "",
    secret: bool = False,
    told_before: bool,
    client_uuid: uuid.UUID,
    occurred_at=None,
) -> Incident:
    """Raises ValidationError (field -> Indonesian messages) as the intake does.

    Consent is recorded only on what was said to the sender. `told_before`:
    the conversation said who sees the number (texts.privacy) before the
    resident confirmed with YA: they agreed. Otherwise (the one-message form
    LAPOR#jenis#desa#cerita, sent on the resident's own initiative with nothing
    said before) the report is held on the notice that goes with the
    confirmation: the caller puts texts.privacy in that reply, which the
    processor queues in this same transaction, so the report and the notice
    are stored together or not at all (ConsentBasis.NOTICE_IN_REPLY, with
    consent_at the time of both). RAHASIA afterwards hides the number."""
    incident, _created = report_submit(
        Submission(
            category=category,
            description=description,
            place=Place(desa_code=desa_code, lat=lat, lng=lng, detail=landmark),
            # The sender's number is the reporter's contact; the desk masks it like any contact.
            # RAHASIA (or "yes" to the conflict question) hides it from everyone but the officers.
            reporter=Reporter(phone=sender, anonymous=secret),
            details=details,
            photos=photos,
            consent=told_before,
            consent_basis=ConsentBasis.AGREED if told_before else ConsentBasis.NOTICE_IN_REPLY,
            occurred_at=occurred_at,
            confidential=secret,
            channel=channel,
            client_uuid=client_uuid,
        )
    )
    return incident
