"""What every intake channel hands to the intake command.

The web form, the public API, the staff entry (page and API) and every later
channel (SMS, WhatsApp, Open311) translate their own input into one
`Submission` and call `incidents.intake.services.report_submit`; the rules of
a report (consent, category questions, territory, photos, idempotency,
deadlines, notifications) live there once.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from incidents.models import Category, Channel, ConsentBasis


@dataclass(frozen=True, kw_only=True)
class Place:
    """Where it happened: a desa chosen from the list, a point, or both (they
    must agree; a desa must lie in the chosen kecamatan)."""

    desa_code: str | None = None
    kecamatan_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class Reporter:
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False


@dataclass(frozen=True, kw_only=True)
class Submission:
    category: Category | None
    description: str
    place: Place
    reporter: Reporter = field(default_factory=Reporter)
    title: str = ""
    details: dict | None = None
    photos: Sequence = ()
    consent: bool = False
    # Without `consent`, a message channel may hold the report on a notice
    # sent with its confirmation (incidents/channels/submit.py); nothing else may.
    consent_basis: str = ConsentBasis.AGREED
    confidential: bool = False
    channel: str = Channel.WEB
    # The registered partner application that sent it (Open311 channel).
    partner_application: object = None
    # Repeating a submission with the same client id returns the first report.
    client_uuid: UUID | None = None
    occurred_at: datetime | None = None
    # When the report reached the government (a call taken earlier and typed
    # in later); the moment of submission when not given.
    received_at: datetime | None = None
    # The signed-in person who submits: a staff member entering a report on a
    # citizen's behalf, or a citizen with an account.
    entered_by: object = None
    # Entered by staff on a citizen's behalf (telephone, walk-in, patrol):
    # only roles that may record reports may do so.
    staff_entry: bool = False
    # Staff entry over the API may not place a report outside the entrant's
    # own area (it would vanish from their queue); the desk page allows it and
    # says so.
    entrant_area_only: bool = False

    @classmethod
    def from_fields(cls, data: Mapping, *, category: Category | None, **given) -> "Submission":
        """Build from the field names the web form, the public API and the
        staff entry share; `given` sets or overrides any attribute."""
        get = data.get
        values = {
            "category": category,
            "description": get("description") or "",
            "title": get("title") or "",
            "place": Place(
                desa_code=_code(get("desa")),
                kecamatan_code=_code(get("kecamatan")),
                lat=get("lat"),
                lng=get("lng"),
                detail=get("location_detail") or "",
            ),
            "reporter": Reporter(
                name=get("reporter_name") or "",
                phone=get("reporter_phone") or "",
                email=get("reporter_email") or "",
                anonymous=bool(get("anonymous")),
            ),
            "details": get("details"),
            "photos": get("photos") or (),
            "consent": bool(get("consent")),
            "confidential": bool(get("confidential")),
            "channel": get("channel") or Channel.WEB,
            "client_uuid": get("client_uuid"),
            "occurred_at": get("occurred_at"),
            "received_at": get("reported_at"),
        }
        values.update(given)
        return cls(**values)


def _code(value) -> str | None:
    """A territory code from a code or a chosen Desa/Kecamatan row."""
    value = getattr(value, "pk", value)
    return str(value) if value else None
