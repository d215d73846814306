"""Celery task that builds a desk export (see incidents/export.py)."""

from celery import shared_task

from incidents.desk.export import export_run as run


# Idempotent (a finished or claimed job is left alone), so a redelivery after
# a lost worker is harmless.
@shared_task(name="incidents.tasks_export.export_run", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def export_run(job_id: str):

    job = run(job_id=job_id)
    return job["status"] if job else None
