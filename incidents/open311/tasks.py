"""The Open311 task: the photo at a report's media_url, fetched by the
worker after the partner got its answer. Published by the outbox relay;
idempotent (a report that already has its photo is left alone)."""

from celery import shared_task

from incidents.open311.media import ATTACH_TASK, MediaUnavailable, media_attach
from kitaaman.tasks import RELIABLE_TASK

MEDIA_MAX_RETRIES = 4


@shared_task(name=ATTACH_TASK, max_retries=MEDIA_MAX_RETRIES, **RELIABLE_TASK)
def attach_media(self, incident_id: int, url: str):
    request = self.request
    final = not request.is_eager and request.retries >= self.max_retries
    try:
        return media_attach(incident_id=incident_id, url=url, final_attempt=final)
    except MediaUnavailable as exc:
        # Eagerly (no broker) the outbox keeps the task for a later relay run.
        if request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=60 * 2**request.retries)
