"""Writes of the summaries: generating a period, running a scheduled or
requested generation, and e-mailing a revision.

Idempotence, because beat may fire twice and a worker may die mid-task:
- summary_generate locks the period (a PostgreSQL advisory lock, or the row)
  and writes figures, files and the new revision in one transaction, so a
  killed worker leaves the previous revision intact and no half summary;
- summary_run claims a (kind, period, schedule) run with a conditional UPDATE,
  so a duplicate beat finds it taken;
- summary_send claims (summary, revision) with a conditional UPDATE, and
  every recipient is one row of the outbound ledger (kitaaman.outbound),
  written with the claim, so a revision is never e-mailed twice.
"""

import logging
import time
import uuid
import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitaaman import region
from kitaaman.models import OutboundMessage
from kitaaman.outbound import Outgoing, outbound_enqueue
from kitaaman.outbox import outbox_enqueue

from .attention import overdue_when
from .display import summary_display
from .figures import compute_figures
from .models import Summary, SummaryRun
from .periods import Period, parse_period
from .render import render_pdf, render_xlsx

logger = logging.getLogger(__name__)

RECIPIENT_GROUPS = ("tim_efektif", "pimpinan")
SEND_TASK = "spm.summaries.tasks.send_summary"
MAX_RUN_ATTEMPTS = 5
# A run "running" for longer than this lost its worker without a redelivery.
STALE_RUN = timedelta(minutes=30)


class SummaryBusy(Exception):
    """Another process is generating the same period right now (transient)."""


def _lock_period(period: Period) -> None:
    """Serialize generation of one period across processes and machines."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"summary:{period.kind}:{period.key}".encode())
        with connection.cursor() as cursor:
            # Two int4 keys: a namespace for summaries, then the period.
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [0x5A4D, key - 2**31])
            if not cursor.fetchone()[0]:
                raise SummaryBusy(period.key)
    # SQLite: the write below takes the database write lock for the whole transaction.


def _test_delay():
    # Tests stretch generation to kill a worker in the middle of it.
    delay = float(getattr(settings, "KITAAMAN_TEST_SUMMARY_DELAY", 0) or 0)
    if delay > 0:
        time.sleep(delay)


def summary_generate(*, kind: str | None = None, period_key: str, now: datetime | None = None) -> Summary:
    """Compute the period's figures, render PDF and XLSX, store them as the next revision."""
    period = parse_period(period_key)
    if kind and kind != period.kind:
        raise ValueError(_("Periode %(key)s bukan periode %(kind)s.") % {"key": period.key, "kind": kind})
    now = now or timezone.now()
    old_files = []
    with transaction.atomic():
        _lock_period(period)
        summary = Summary.objects.select_for_update().filter(kind=period.kind, period_key=period.key).first()
        if summary is None:
            summary = Summary(kind=period.kind, period_key=period.key, revision=0)
        else:
            old_files = [f.name for f in (summary.pdf, summary.xlsx) if f]
        summary.start_date, summary.end_date = period.start, period.end
        summary.revision += 1
        summary.generated_at = now
        with translation.override(settings.LANGUAGE_CODE):
            summary.figures = compute_figures(period, now=now)
        summary.provisional = bool(summary.figures["provisional"])
        _test_delay()
        pdf, xlsx = render_pdf(summary), render_xlsx(summary)
        new_files = []
        try:
            summary.pdf.save("ringkasan.pdf", ContentFile(pdf), save=False)
            new_files.append(summary.pdf.name)
            summary.xlsx.save("ringkasan.xlsx", ContentFile(xlsx), save=False)
            new_files.append(summary.xlsx.name)
            summary.save()
            # Clean up replaced files only once the new revision is committed.
            storage = summary.pdf.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in old_files if name not in new_files])
        except Exception:
            for name in new_files:
                summary.pdf.storage.delete(name)
            raise
    return summary


def _claim_run(run: SummaryRun, task_id: str) -> bool:
    now = timezone.now()
    claimable = (
        Q(state=SummaryRun.State.PENDING)
        # The same task redelivered after its worker died (acks_late + reject_on_worker_lost).
        | Q(state=SummaryRun.State.RUNNING, task_id=task_id)
        | Q(state=SummaryRun.State.RUNNING, started_at__lt=now - STALE_RUN)
    )
    return bool(
        SummaryRun.objects.filter(pk=run.pk)
        .filter(claimable)
        .update(state=SummaryRun.State.RUNNING, task_id=task_id, attempts=F("attempts") + 1, started_at=now)
    )


def summary_run(
    *,
    kind: str | None = None,
    period_key: str,
    scheduled_for: datetime | None = None,
    task_id: str = "",
    source: str = "schedule",
    send: bool = True,
) -> Summary | None:
    """Produce a period's summary once per run and queue its e-mailing.

    Returns the summary, or None when the run was already done or is being
    done by another worker (a duplicate beat)."""
    period = parse_period(period_key)
    if kind and kind != period.kind:
        raise ValueError(_("Periode %(key)s bukan periode %(kind)s.") % {"key": period.key, "kind": kind})
    task_id = task_id or uuid.uuid4().hex
    if scheduled_for is not None:
        run, _created = SummaryRun.objects.get_or_create(
            kind=period.kind,
            period_key=period.key,
            scheduled_for=scheduled_for,
            defaults={"source": source},
        )
    else:
        # A retried or redelivered request keeps its task id, and so its run (and attempt count).
        run = SummaryRun.objects.filter(task_id=task_id, scheduled_for__isnull=True, period_key=period.key).first()
        if run is None:
            run = SummaryRun.objects.create(kind=period.kind, period_key=period.key, source=source, task_id=task_id)
    if not _claim_run(run, task_id):
        logger.info("summary run %s %s already taken or done", period.key, scheduled_for)
        return None
    run.refresh_from_db()
    if run.attempts > MAX_RUN_ATTEMPTS:
        SummaryRun.objects.filter(pk=run.pk).update(state=SummaryRun.State.FAILED, finished_at=timezone.now())
        logger.error("summary run %s gave up after %s attempts", period.key, run.attempts - 1)
        return None
    try:
        with transaction.atomic():
            summary = summary_generate(kind=period.kind, period_key=period.key)
            SummaryRun.objects.filter(pk=run.pk).update(
                state=SummaryRun.State.DONE,
                finished_at=timezone.now(),
                summary=summary,
                revision=summary.revision,
                last_error="",
            )
            if send:
                # Through the outbox: the e-mail goes out even if the broker is
                # down right now, and never unless this revision committed.
                outbox_enqueue(task_name=SEND_TASK, kwargs={"summary_id": summary.pk, "revision": summary.revision})
    except Exception as exc:
        # Back to pending: the task's retry (same task id) or the next beat may claim it.
        SummaryRun.objects.filter(pk=run.pk).update(
            state=SummaryRun.State.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return summary


def summary_recipients() -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=RECIPIENT_GROUPS)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def summary_message_id(summary_id: int, revision: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:summary:{summary_id}:r{revision}")


def _summary_messages(summary: Summary) -> list[Outgoing]:
    from django.urls import reverse

    figures = summary.figures
    with translation.override(settings.LANGUAGE_CODE):
        shown = summary_display(summary, with_charts=False)
        # The document's own title, so the subject, the PDF and the page name it alike.
        title = shown["title"]
        if summary.provisional:
            subject = _("[KITA AMAN] %(title)s (revisi %(rev)s, sementara)")
        else:
            subject = _("[KITA AMAN] %(title)s (revisi %(rev)s)")
        subject = subject % {"title": title, "rev": summary.revision}
        context = {
            "summary": summary,
            "title": title,
            "dates": shown["dates"],
            "provisional_note": shown["provisional_note"],
            # The e-mail, like the page and the PDF, leads with what needs a decision.
            "attention": shown["attention"],
            "overdue_when": overdue_when(figures),
            "figures": figures,
            "totals": figures.get("totals", {}),
            "services": [
                {"name": row[0], "capaian_display": row[3], "index_display": row[5]} for row in shown["services"]
            ],
            "reports_display": shown["totals"].get("reports", "–"),
            "overdue_display": shown["totals"].get("overdue", "–"),
            "verify_share": shown["service_levels"][0][4],
            "followup_share": shown["service_levels"][1][4],
            "generated": shown["generated"],
            "notable_count": len(figures.get("notable", [])),
            "link": f"{settings.SITE_URL}{reverse('spm:summary_detail', args=[summary.pk])}",
            "site_url": settings.SITE_URL,
            "region": region.current(),
        }
        text = render_to_string("emails/summary.txt", context)
        html = render_to_string("emails/summary.html", context)
    # Read from storage when the mail is sent; a later revision deletes the
    # file, and a mail of a superseded revision then fails instead of going out.
    attachment = {
        "name": f"ringkasan-{summary.period_key}-r{summary.revision}.pdf",
        "path": summary.pdf.name,
        "mimetype": "application/pdf",
    }
    return [
        Outgoing(channel="email", recipient=user.email, subject=subject, text=text, html=html, attachments=[attachment])
        for user in summary_recipients()
    ]


def summary_send(*, summary_id: int, revision: int) -> int | None:
    """E-mail one revision of a summary to the Tim Efektif and the pimpinan.

    The first call claims (summary, revision) with a conditional UPDATE and,
    in the same transaction, writes one ledger row per recipient and queues
    their sending; a second call for the same revision finds it claimed, and
    a call for a superseded revision sends nothing. Returns how many rows are new."""
    with transaction.atomic():
        claimed = bool(
            Summary.objects.filter(pk=summary_id, revision=revision, mailed_revision__lt=revision).update(
                mailed_revision=revision, mailed_at=timezone.now()
            )
        )
        summary = Summary.objects.filter(pk=summary_id, revision=revision).first()
        if summary is None:
            logger.info("summary %s revision %s superseded; not sent", summary_id, revision)
            return None
        if not claimed:
            return 0
        return outbound_enqueue(
            message_id=summary_message_id(summary_id, revision),
            kind=OutboundMessage.Kind.SUMMARY,
            messages=_summary_messages(summary),
        )
