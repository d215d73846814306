"""Early-warning tasks: thin, keys in, safe to run twice.

Delivery tasks are acknowledged late and re-queued when their worker dies;
they write one ledger row per message and recipient (kitaaman.outbound),
which the ledger's task claims before sending, so a rerun sends nothing
twice. The periodic sweeps (expiry, external feeds) claim their rows with conditional UPDATEs, so a second beat does no harm.
"""

from celery import shared_task

from kitaaman.tasks import DELIVERY_TASK

from .approval import approval_send
from .delivery import alert_deliver, send_confirmation
from .feeds import feeds_fetch_due
from .services import alerts_expire
from .subscriptions import subscribers_purge_unconfirmed


@shared_task(name="spm.warnings.tasks.deliver_alert", **DELIVERY_TASK)
def deliver_alert(self, alert_id: int):
    return alert_deliver(alert_id=alert_id)


@shared_task(name="spm.warnings.tasks.send_subscription_confirmation", **DELIVERY_TASK)
def send_subscription_confirmation(self, subscriber_id: int):
    return send_confirmation(subscriber_id=subscriber_id)


@shared_task(name="spm.warnings.tasks.ask_for_approval", **DELIVERY_TASK)
def ask_for_approval(self, alert_id: int):
    """E-mail those who may publish a draft that it waits for them."""
    return approval_send(alert_id=alert_id)


@shared_task(name="spm.warnings.tasks.expire_alerts", ignore_result=True)
def expire_alerts():
    expired = alerts_expire()
    subscribers_purge_unconfirmed()
    return expired


@shared_task(name="spm.warnings.tasks.fetch_feeds", ignore_result=True, soft_time_limit=240, time_limit=270)
def fetch_feeds():
    return feeds_fetch_due()
