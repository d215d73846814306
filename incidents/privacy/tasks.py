"""The daily retention run (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from incidents.privacy.services import retention_sweep_run
from kitaaman.task_names import task


@task(
    name="incidents.privacy.tasks.retention_sweep", old_names=("incidents.privacy.retention_sweep",), ignore_result=True
)
def retention_sweep() -> int:
    return retention_sweep_run()
