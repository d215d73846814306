"""The one place where a message conversation becomes a report: through the
intake command that every channel uses, so a report by SMS or WhatsApp is
checked, numbered, routed and announced exactly like one from /lapor/."""

import uuid

from incidents.intake.services import report_submit
from incidents.intake.submission import Place, Reporter, Submission
from incidents.models import Category, Incident

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
    client_uuid: uuid.UUID,
) -> Incident:
    """Raises ValidationError (field -> Indonesian messages) as the intake does."""
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
            # The guided conversation tells who sees the number (texts.privacy) before the
            # resident confirms with YA. The one-message form is sent on the resident's own
            # initiative and its reply tells the same at once, with RAHASIA to hide the number.
            consent=True,
            confidential=secret,
            channel=channel,
            client_uuid=client_uuid,
        )
    )
    return incident
