"""Celery task that builds a desk export (see incidents/desk/export.py)."""

from incidents.desk.export import export_run as run
from kitaaman.task_names import task


# Idempotent (a finished or claimed job is left alone), so a redelivery after
# a lost worker is harmless.
@task(
    name="incidents.desk.tasks.export_run",
    old_names=("incidents.tasks_export.export_run",),
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def export_run(job_id: str):

    job = run(job_id=job_id)
    return job["status"] if job else None
