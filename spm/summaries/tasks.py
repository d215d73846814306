"""Summary tasks: thin, keys in, idempotent (see services.py), acknowledged
only after they finish and re-queued when their worker process dies."""

from datetime import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from kitaaman.tasks import RELIABLE_TASK

from .periods import intended_run, period_for_run
from .services import SummaryBusy, summary_run, summary_send

TRANSIENT = (SummaryBusy, OperationalError, InterfaceError)
SUMMARY_TASK = {
    **RELIABLE_TASK,
    "autoretry_for": TRANSIENT,
    # 5, 10, 20 ... seconds (with jitter), up to 15 minutes: about 20 minutes in all.
    "max_retries": 8,
    "retry_backoff": 5,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
}


@shared_task(name="spm.summaries.tasks.generate_scheduled_summary", **SUMMARY_TASK)
def generate_scheduled_summary(self, kind: str, scheduled_for: str | None = None):
    """Beat entry point: the period is the one before the schedule's intended
    run time, so a late or duplicated beat names the same period and run."""
    run_at = datetime.fromisoformat(scheduled_for) if scheduled_for else intended_run(kind, timezone.now())
    period = period_for_run(kind, run_at)
    summary = summary_run(kind=kind, period_key=period.key, scheduled_for=run_at, task_id=self.request.id or "")
    return summary.pk if summary else None


@shared_task(name="spm.summaries.tasks.generate_summary", **SUMMARY_TASK)
def generate_summary(self, period_key: str, send: bool = True):
    """Generate one period on request (a new revision each time)."""
    summary = summary_run(period_key=period_key, task_id=self.request.id or "", source="request", send=send)
    return summary.pk if summary else None


@shared_task(name="spm.summaries.tasks.send_summary", **SUMMARY_TASK)
def send_summary(self, summary_id: int, revision: int):
    """Write the revision's mails to the outbound ledger, whose task sends them."""
    summary_send(summary_id=summary_id, revision=revision)
