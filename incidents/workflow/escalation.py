"""The service-level sweep: reports past their deadline are escalated once."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import EventKind, Incident, Status
from incidents.notify.messages import desk_url
from incidents.roles import KOORDINATOR, PETUGAS
from incidents.signals import snapshot
from incidents.workflow.services import event_record, report_changed
from kitaaman.outbound import Outgoing
from kitaaman.outbox import outbox_enqueue

ESCALATION_BATCH = 500


def incidents_escalate_overdue(*, now: datetime | None = None, limit: int = ESCALATION_BATCH) -> int:
    """Escalate each newly overdue open report once; returns how many.

    Safe to run twice or side by side: a report is claimed with a conditional
    UPDATE on `escalated_at IS NULL`, and only the claimer writes the event
    and the outbox row, in the same transaction as the claim."""

    now = now or timezone.now()
    candidates = list(
        Incident.objects.filter(
            due_at__lt=now, escalated_at__isnull=True, status__in=[Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI]
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            claimed = Incident.objects.filter(
                pk=pk,
                escalated_at__isnull=True,
                due_at__lt=now,
                status__in=[Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI],
            ).update(escalated_at=now)
            if not claimed:
                continue
            incident = Incident.objects.select_related("category", "kecamatan").get(pk=pk)
            previous = snapshot(incident)
            stage = _("verifikasi") if incident.status == Status.BARU else _("tindak lanjut")
            event = event_record(
                incident,
                kind=EventKind.ESCALATION,
                actor=None,
                now=now,
                note=_("Batas waktu %(stage)s terlewati; diteruskan ke koordinator.") % {"stage": stage},
                data={"due_at": incident.due_at.isoformat(), "status": incident.status},
            )
            outbox_enqueue(
                task_name="incidents.workflow.tasks.send_escalation_notice",
                kwargs={"incident_id": incident.pk, "event_id": event.pk},
            )
            report_changed(incident, previous)
            escalated += 1
    return escalated


def escalation_messages(incident: Incident) -> list:
    """E-mails to the koordinator and the petugas of the kecamatan about an
    overdue report (no reporter identity: the link leads to the desk)."""

    User = get_user_model()
    recipients = sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(
                Q(groups__name=KOORDINATOR) | Q(groups__name=PETUGAS, staff_profile__kecamatan=incident.kecamatan_id)
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    subject = _("[KITA AMAN] Laporan %(code)s melewati batas waktu") % {"code": incident.tracking_code}
    text = _(
        "Laporan %(code)s (%(category)s, Kec. %(kecamatan)s) berstatus %(status)s dan telah melewati batas "
        "waktunya. Mohon segera ditindaklanjuti: %(url)s"
    ) % {
        "code": incident.tracking_code,
        "category": incident.category,
        "kecamatan": incident.kecamatan,
        "status": incident.get_status_display(),
        "url": desk_url(incident),
    }
    return [Outgoing(channel="email", recipient=address, subject=subject, text=text) for address in recipients]
