"""Erasing and exporting a reporter's personal data.

What is erased is who reported (name, phone, e-mail), the outbound ledger's
copy of their address, the number an SMS/WhatsApp report came from, and the
partner's ids and any mention of the reporter in the report's audit rows and
history; the report itself stays, because the kabupaten must account for what
happened and what it did. An erasure on request also erases the person's
other traces (messages outside a report, channel contact, blocked number,
audit details, desk exports on disk: see traces.py). Every erasure is a new
version of the report with an internal history entry and an audit row; a
retention run also leaves one audit row with its count. Backups keep what
they held until they expire (BACKUP_RETENTION_DAYS, see kitaaman/backup.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import audit
from incidents.channels.models import Conversation, InboundMessage
from incidents.channels.outbound import RESIDENT_KINDS
from incidents.models import OPEN_STATUSES, EventKind, Incident, IncidentEvent
from incidents.privacy.selectors import reports_of_reporter
from incidents.privacy.traces import ERASED_NUMBER, Identity, exports_erase, incident_details_redact, traces_erase
from kitaaman import region
from kitaaman.models import OutboundMessage

ERASED = "privacy.reporter_erased"
ERASED_TRACES = "privacy.traces_erased"
SEARCH = "privacy.subject_search"
EXPORT = "privacy.subject_export"
SWEEP = "privacy.retention_sweep"
IDENTITY_FIELDS = ("reporter_name", "reporter_phone", "reporter_email")
HAS_IDENTITY = ~Q(reporter_name="") | ~Q(reporter_phone="") | ~Q(reporter_email="")


def _label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _erase_one(incident_id: int, *, actor, reason: str, ip=None) -> Identity | None:
    """Erase one report's reporter, under its row lock; returns who was
    erased, or None when there was nothing left to erase (already done by a
    concurrent run)."""
    locked = Incident.objects.select_for_update().filter(pk=incident_id).filter(HAS_IDENTITY).first()
    if locked is None:
        return None
    identity = Identity()
    identity.add(name=locked.reporter_name, phone=locked.reporter_phone, email=locked.reporter_email)
    contacts = [c for c in (locked.reporter_email.strip(), locked.reporter_phone.strip()) if c]
    Incident.objects.filter(pk=locked.pk).update(
        reporter_name="", reporter_phone="", reporter_email="", version=F("version") + 1, updated_at=timezone.now()
    )
    # The outbound ledger keeps recipients: the reporter's address goes too.
    for row in OutboundMessage.objects.filter(incident_id=locked.pk, recipient__in=contacts):
        OutboundMessage.objects.filter(pk=row.pk).update(recipient=f"dihapus-{row.pk}")
    _erase_channel_copies(locked.pk)
    # Before this erasure's own history entry and audit row are written.
    incident_details_redact([locked.pk], identity)
    why = _("masa simpan berakhir") if reason == "retention" else _("atas permintaan pelapor")
    IncidentEvent.objects.create(
        incident=locked,
        kind=EventKind.EDIT,
        actor=actor,
        actor_label=_label(actor),
        note=_("Data pribadi pelapor (nama, telepon, e-mail) dihapus sesuai UU 27/2022: %(why)s.") % {"why": why},
        public=False,
        data={"fields": list(IDENTITY_FIELDS), "reason": reason},
    )
    audit.record(ERASED, user=actor, incident=locked, ip=ip, data={"reason": reason})
    return identity


def _erase_channel_copies(incident_id: int) -> None:
    """A report made by SMS or WhatsApp also left the sender's number (and the
    provider's payload, with a WhatsApp profile name) on its conversation and
    messages. The texts stay, as the report's description does."""
    conversations = Conversation.objects.filter(incident_id=incident_id)
    InboundMessage.objects.filter(conversation__in=conversations).update(sender=ERASED_NUMBER, raw={})
    OutboundMessage.objects.filter(
        Q(incident_id=incident_id, kind__in=RESIDENT_KINDS) | Q(conversation_id__in=conversations.values("pk"))
    ).update(recipient=ERASED_NUMBER)
    for conversation in conversations.only("pk"):
        # One open conversation per sender is a constraint: each gets its own placeholder.
        Conversation.objects.filter(pk=conversation.pk).update(sender=f"{ERASED_NUMBER}-{conversation.pk}")


def reporter_data_erase(*, incidents, actor, ip=None, email: str = "", phone: str = "") -> int:
    """Erase the reporter's data of these reports, on the reporter's request,
    and every other trace of the person: by the contact they asked with
    (`email`, `phone`) and by what their reports held. A number or address
    found on their reports finds their other reports too (asked by e-mail,
    the SMS reports from the number they gave on the web form go as well).
    Returns how many reports were erased."""
    identity = Identity()
    identity.add(phone=phone, email=email)
    searched, erased = set(), 0
    with transaction.atomic():
        pending = list(incidents)
        while pending:
            for incident in pending:
                found = _erase_one(incident.pk, actor=actor, reason="request", ip=ip)
                if found is not None:
                    erased += 1
                    identity.merge(found)
            pending = []
            for contact in sorted((identity.emails | identity.numbers) - searched):
                searched.add(contact)
                is_email = "@" in contact
                pending += reports_of_reporter(email=contact if is_email else "", phone="" if is_email else contact)
        counts = traces_erase(identity)
        if identity:
            audit.record(ERASED_TRACES, user=actor, ip=ip, data={"reports": erased, **counts})
    # Files are not transactional: only once the erasure has committed.
    exports_erase(identity)
    return erased


def retention_cutoff(now=None):
    days = getattr(settings, "REPORTER_DATA_RETENTION_DAYS", 0)
    if not days:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def retention_sweep_run(*, now=None, batch: int = 200) -> int:
    """Erase the reporter of every report closed before the retention cutoff.
    Safe to run twice or side by side: a report is erased once."""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0
    due = (
        Incident.objects.filter(HAS_IDENTITY, closed_at__lt=cutoff)
        .exclude(status__in=OPEN_STATUSES)
        .order_by("closed_at", "id")
    )
    erased = 0
    while True:
        with transaction.atomic():
            ids = due.values_list("pk", flat=True)
            if connection.features.has_select_for_update_skip_locked:
                ids = ids.select_for_update(skip_locked=True)
            ids = list(ids[:batch])
            for pk in ids:
                erased += _erase_one(pk, actor=None, reason="retention") is not None
        if len(ids) < batch:
            break
    if erased:
        audit.record(SWEEP, data={"erased": erased, "closed_before": cutoff.isoformat()})
    return erased


def subject_search_record(*, actor, found, ip=None) -> None:
    audit.record(SEARCH, user=actor, ip=ip, data={"reports": [i.tracking_code for i in found]})


def _messages_of(numbers) -> list[dict]:
    inbound = InboundMessage.objects.filter(sender__in=numbers).prefetch_related("photos")
    outbound = OutboundMessage.objects.filter(recipient__in=numbers)
    lines = [
        {
            "direction": "masuk",
            "channel": m.channel,
            "number": m.sender,
            "at": m.created_at.isoformat(),
            "text": m.text,
            "point": {"lat": m.lat, "lng": m.lng} if m.lat is not None else None,
            "photos": sum(1 for p in m.photos.all() if p.image),
        }
        for m in inbound
    ]
    lines += [
        {
            "direction": "keluar",
            "channel": m.channel,
            "number": m.recipient,
            "at": m.created_at.isoformat(),
            "text": m.text,
            "state": m.state,
        }
        for m in outbound
    ]
    return sorted(lines, key=lambda line: line["at"])


def reporter_data_export(*, actor, incidents, ip=None, phone: str = "") -> dict:
    """Everything the portal holds that this reporter gave, as plain data:
    their reports and their SMS/WhatsApp messages both ways (by the number
    they asked with and the numbers their reports came from)."""
    identity = Identity()
    identity.add(phone=phone)
    reports = []
    for i in incidents:
        identity.add(phone=i.reporter_phone)
        reports.append(
            {
                "tracking_code": i.tracking_code,
                "received_at": i.reported_at.isoformat(),
                "status": i.status,
                "category": {"code": i.category.code, "name": i.category.name},
                "desa": {"code": i.desa_id, "name": i.desa.name},
                "kecamatan": {"code": i.kecamatan_id, "name": i.kecamatan.name},
                "title": i.title,
                "description": i.description,
                "location_detail": i.location_detail,
                "point": {"lat": i.lat, "lng": i.lng} if i.lat is not None else None,
                "details": i.details,
                "anonymous": i.anonymous,
                "confidential": i.confidential,
                "consent_at": i.consent_at.isoformat() if i.consent_at else None,
                "consent_basis": i.consent_basis,
                "photos": i.photos.count(),
                "reporter": {"name": i.reporter_name, "phone": i.reporter_phone, "email": i.reporter_email},
            }
        )
    messages = _messages_of(identity.numbers) if identity.numbers else []
    audit.record(
        EXPORT, user=actor, ip=ip, data={"reports": [r["tracking_code"] for r in reports], "messages": len(messages)}
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "controller": region.current().data_controller,
        "reports": reports,
        "messages": messages,
    }
