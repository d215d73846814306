"""The Open311 task: the photo at a report's media_url, fetched by the
worker after the partner got its answer. Published by the outbox relay;
idempotent (a report that already has its photo is left alone)."""

from celery import shared_task

from incidents.open311.media import ATTACH_TASK, MediaUnavailable, media_attach

MEDIA_MAX_RETRIES = 4


@shared_task(
    name=ATTACH_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=MEDIA_MAX_RETRIES,
)
def attach_media(self, incident_id: int, url: str):
    try:
        return media_attach(incident_id=incident_id, url=url)
    except MediaUnavailable as exc:
        # Eagerly (no broker) the outbox keeps the task for a later relay run.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries)
