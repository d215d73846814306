from celery import shared_task

from .outbox import outbox_relay as relay


# Not acks_late: a lost relay run costs nothing, the next minute's run picks
# the same rows (FOR UPDATE SKIP LOCKED keeps two runs from publishing one row).
@shared_task(name="kitaaman.tasks.outbox_relay", ignore_result=True)
def outbox_relay():
    return relay()
