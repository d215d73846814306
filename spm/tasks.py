from celery import shared_task

from .rollup import rebuild_stats as _rebuild


@shared_task(name="spm.tasks.rebuild_stats", ignore_result=True)
def rebuild_stats():
    """Idempotent: recomputes every aggregate from the reports table."""
    _rebuild()
