"""The one place where a message conversation becomes a report: through the
intake command that every channel uses, so a report by SMS or WhatsApp is
checked, numbered, routed and announced exactly like one from /lapor/."""

import uuid

from incidents.intake.services import incident_create
from incidents.models import Category, Incident

NAMESPACE = uuid.UUID("5b0f7f0e-4d0c-4f43-9a55-6a1d1f0c2d7e")


def conversation_client_uuid(conversation_id: int) -> uuid.UUID:
    """A stable id per conversation: processing the confirming message again
    (a retried task) returns the report already made instead of a second one."""
    return uuid.uuid5(NAMESPACE, f"conversation:{conversation_id}")


def report_submit(
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
    client_uuid: uuid.UUID,
) -> Incident:
    """Raises ValidationError (field -> Indonesian messages) as the intake does."""
    incident, _created = incident_create(
        category=category,
        description=description,
        desa_code=desa_code,
        lat=lat,
        lng=lng,
        details=details,
        # The sender's number is the reporter's contact; the desk masks it like any contact.
        reporter_phone=sender,
        # The resident agreed by confirming (YA) or by sending the one-message form,
        # whose help text says the number is kept to follow the report up.
        consent=True,
        photos=photos,
        client_uuid=client_uuid,
        channel=channel,
    )
    return incident
