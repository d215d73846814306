"""The daily retention run (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from incidents.privacy.services import retention_sweep_run


@shared_task(name="incidents.privacy.retention_sweep", ignore_result=True)
def retention_sweep() -> int:
    return retention_sweep_run()
