from datetime import datetime, time

from celery import shared_task
from django.utils import timezone

from .calculations import WIB
from .overdue import snapshot_take
from .rollup import rebuild_stats as _rebuild


@shared_task(name="spm.tasks.rebuild_stats", ignore_result=True)
def rebuild_stats():
    """Idempotent: recomputes every aggregate from the reports table."""
    _rebuild()


@shared_task(name="spm.tasks.overdue_snapshot", ignore_result=True)
def overdue_snapshot(at: str | None = None):
    """Just after midnight WIB: the overdue reports as at that midnight (the end
    of yesterday, and of any period that ended then). Idempotent."""
    moment = (
        datetime.fromisoformat(at) if at else datetime.combine(timezone.now().astimezone(WIB).date(), time.min, WIB)
    )
    snapshot_take(moment)
