from celery import shared_task

from .outbox import outbox_relay as relay


@shared_task(name="kitaaman.tasks.outbox_relay", ignore_result=True)
def outbox_relay():
    return relay()
